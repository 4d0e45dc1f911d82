//! Events as the outbox keeps them. Each is written in the same batch (one
//! transaction, on D1 or in the store's object) as the change it tells of,
//! and sent later by [`crate::delivery`]; the core makes its envelope
//! (`checkout_core::events`).

use crate::ids::Uuids;
use checkout_core::checkout::Ids;
use checkout_core::events::{envelope, Kind};
use checkout_core::time::Timestamp;

/// An event as the outbox keeps it: its id, its envelope (JSON text) and when it happened.
pub struct Event {
    pub id: String,
    pub body: String,
    pub at: Timestamp,
}

impl Event {
    /// An event of an entity (`fqdn`, as `wix.ecom.v1.checkout`) with a fresh
    /// id, carrying the core's bounded snapshot of the entity.
    pub fn new(
        ids: &mut Uuids,
        fqdn: &str,
        kind: Kind,
        entity_id: &str,
        entity: &str,
        at: Timestamp,
    ) -> Event {
        let id = ids.new_id();
        Event {
            body: envelope(&id, fqdn, kind, entity_id, entity, at),
            id,
            at,
        }
    }
}
