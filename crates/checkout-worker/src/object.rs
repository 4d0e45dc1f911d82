//! The per-store backend: one SQLite-backed Durable Object per store, named
//! by its tenant's `appDefId` (`STORAGE = "objects"` in `wrangler.toml`, or
//! a tenant's own `storage`). The object holds that store's checkouts,
//! orders, counters, plan orders, idempotency keys and outbox under the same
//! schema as D1 (the same migrations, applied in its constructor), so every
//! query in `db` runs unchanged; a batch is one `transactionSync`.
//!
//! The worker routes and authenticates a call, then [`forward`]s it with the
//! caller in [`WHO_HEADER`]; the object serves it as the worker serves a D1
//! store (`crate::pipeline::serve`) and answers in the same shape. Its alarm is its
//! clock: set to now after a change (the change's events leave at once) and
//! then to the next thing due (an event's retry, an unpaid order's deadline,
//! a plan order's move; at most an hour), it runs the store's upkeep and
//! delivers its events. No cron visits it, so 10,000 stores cost nothing
//! while idle.
//!
//! Paths under `/__store/` are the object's own (`upkeep`; `sql` and `alarm`,
//! which answer only when the worker has `STORE_TEST_HOOKS = "1"`, as the
//! tests set it, to age rows and read the alarm): the worker never forwards
//! them, since it forwards only routed API calls.

use crate::db::{self, Effects, ObjectStore};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::Reply;
use crate::pipeline::{answer, now, serve};
use crate::request::{Who, WHO_HEADER};
use crate::routes;
use crate::tenants::{self, Tenant};
use crate::{delivery, handlers, log};
use checkout_core::time::Timestamp;
use std::cell::{Cell, RefCell};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{
    durable_object, web_sys, DurableObject, Env, Headers, Request, RequestInit, Response, State,
    Stub,
};
/// The longest the alarm sleeps while nothing is due: idle checkouts, old
/// events and keys are deleted at least this often.
const IDLE_ALARM_MS: i64 = 60 * 60 * 1000;
/// How often the alarm deletes idle checkouts, old events and old keys
/// (what moves with the clock, it does on every run).
const CLEANUP_MS: i64 = 10 * 60 * 1000;
/// The soonest the alarm runs again after a run (a receiver that keeps
/// failing is not called in a loop).
const MIN_ALARM_MS: i64 = 1_000;

/// Sends an authenticated call to its store's object: the object's answer,
/// as the object gave it (passed on, not rebuilt from its body stream).
pub async fn forward(
    req: Request,
    stub: Stub,
    who: &Who,
    request_id: &str,
) -> worker::Result<web_sys::Response> {
    // a copy made by the runtime in one call, not header by header through the module
    let headers = Headers(web_sys::Headers::new_with_headers(&req.headers().0)?);
    headers.set(WHO_HEADER, &who.to_header())?;
    headers.set("x-request-id", request_id)?;
    let mut init = RequestInit::new();
    init.with_method(req.method())
        .with_headers(headers)
        .with_body(req.inner().body().map(JsValue::from));
    let forwarded = Request::new_with_init(req.url()?.as_str(), &init)?;
    let object: worker::worker_sys::DurableObject = stub.into_rpc();
    let answer = JsFuture::from(object.fetch_with_request(forwarded.inner())?).await?;
    Ok(answer.dyn_into::<web_sys::Response>()?)
}

#[durable_object]
pub struct StoreObject {
    state: State,
    env: Env,
    /// The store's rows.
    rows: ObjectStore,
    /// The schema's migration, done in the constructor: its failure answers every call.
    ready: Result<(), String>,
    /// The tenant, once recorded (for the alarm, which has no request),
    /// and its rows on D1 copied here.
    tenant: RefCell<Option<String>>,
    /// When this instance last ran the cleanup (epoch ms).
    cleaned: Cell<i64>,
    /// Whether the store's events are sent (`delivery::sends`), as last
    /// read: kept across storefront calls, which cannot change the
    /// endpoint; read again after any other call that wrote, and by every
    /// alarm (where a receiver's `410` disables it). None: not read yet.
    sends: Cell<Option<bool>>,
    /// The alarm as this instance last set or read it (`Some(None)`: none
    /// set); None: not known here (a new instance, or an alarm has run).
    alarm: Cell<Option<Option<i64>>>,
}

impl DurableObject for StoreObject {
    fn new(state: State, env: Env) -> Self {
        let (rows, ready) = ObjectStore::open(&state);
        StoreObject {
            state,
            env,
            rows,
            ready,
            tenant: RefCell::new(None),
            cleaned: Cell::new(0),
            sends: Cell::new(None),
            alarm: Cell::new(None),
        }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let request_id = req
            .headers()
            .get("x-request-id")?
            .unwrap_or_else(|| "no-request-id".into());
        if let Err(e) = &self.ready {
            return answer(&request_id, Err(ApiError::Internal(e.clone())), None);
        }
        match req.path().as_str() {
            "/__store/upkeep" => {
                let result = self.upkeep(true).await.map(|()| Reply::fresh("{}".into()));
                answer(&request_id, result, None)
            }
            "/__store/sql" => answer(&request_id, self.sql_hook(req).await, None),
            "/__store/alarm" => answer(&request_id, self.alarm_hook().await, None),
            _ => self.serve(req, &request_id).await,
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        // the runtime cleared the alarm that runs now (and sets it again if this run fails)
        self.alarm.set(None);
        if let Err(e) = self.upkeep(false).await {
            log::failure("alarm", &e);
            // try again in a while rather than never
            self.alarm.set(None);
            if let Err(e) = self.state.storage().set_alarm(IDLE_ALARM_MS / 60).await {
                log::failure("alarm", &ApiError::from(e));
            }
        }
        Response::ok("")
    }
}

impl StoreObject {
    /// A call the worker forwarded, served as the worker serves a D1 store.
    async fn serve(&self, req: Request, request_id: &str) -> worker::Result<Response> {
        let admitted = self.caller(&req).await.and_then(|(route, params, who)| {
            let db = who
                .tenant
                .as_ref()
                .map(|t| self.rows.db(&self.env, &t.app_def_id))
                .transpose()?;
            Ok((route, params, who, db))
        });
        let (result, cors_origin, effects, db) = match admitted {
            Ok((route, params, who, db)) => {
                let (result, cors_origin, effects) =
                    serve(req, &self.env, who, route, params, db.clone()).await;
                if effects.wrote() && route.access != routes::Access::Storefront {
                    self.sends.set(None); // the store's configuration may have changed its endpoint
                }
                (result, cors_origin, effects, db)
            }
            Err(e) => {
                // a store on the move, say
                crate::request::discard_body(req).await;
                (Err(e), None, Effects::default(), None)
            }
        };
        if let (true, Some(db)) = (effects.wrote(), db) {
            if let Err(e) = self.after_write(&db, effects.queued()).await {
                log::failure("alarm", &e);
            }
        }
        answer(request_id, result, cors_origin.as_deref())
    }

    /// After a write: the alarm now when the call's events are to be sent
    /// (the store has an endpoint to send them to), else at what is due
    /// next (an unpaid order's deadline, say), and within the cleanup's ten
    /// minutes, if that is sooner than the alarm set: a store without
    /// webhooks runs no alarm per change.
    async fn after_write(&self, db: &db::Db, queued: bool) -> ApiResult<()> {
        let sends = match self.sends.get() {
            Some(sends) => sends,
            None => self.read_sends(db).await?,
        };
        if queued && sends {
            return self.wake_at(now()).await;
        }
        let cleanup = now().millis() + CLEANUP_MS;
        let due = db
            .next_due(sends)
            .await?
            .map_or(cleanup, |d| d.min(cleanup));
        self.wake_at(Timestamp::from_millis(due)).await
    }

    /// The route and caller of a forwarded call; the tenant recorded for the alarm.
    async fn caller(&self, req: &Request) -> ApiResult<(&'static routes::Route, Vec<String>, Who)> {
        let (route, params) = crate::pipeline::route(req)?;
        let text = req
            .headers()
            .get(WHO_HEADER)?
            .ok_or(ApiError::Unauthenticated)?;
        let who = Who::from_header(&text, &self.env)?;
        if let Some(tenant) = &who.tenant {
            self.remember(&tenant.app_def_id).await?;
        }
        Ok((route, params, who))
    }

    /// Records the tenant this object serves, and until it is done copies
    /// the store's rows on D1 here (a store moved from D1; a new store has
    /// none), a slice of at most `MOVE_SLICE_ROWS` rows (5,000) per call or
    /// alarm, while every other call waits. A call that finds the copy
    /// unfinished is answered 503 `STORE_MOVING`, and the alarm goes on at once.
    async fn remember(&self, tenant: &str) -> ApiResult<()> {
        if self.tenant.borrow().as_deref() == Some(tenant) {
            return Ok(());
        }
        let (rows, env, id) = (self.rows.clone(), self.env.clone(), tenant.to_owned());
        let slice = self
            .env
            .var("MOVE_SLICE_ROWS")
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(5_000);
        // an error is a value here: an Err would reset the object
        let copy = self
            .state
            .block_concurrency_while(async move { Ok(rows.take_in(&env, &id, slice).await) });
        let done = copy.await??;
        // the copy may have brought the store's endpoint
        self.sends.set(None);
        // the rest of the copy, or the events it brought, leave in the alarm now
        self.wake_at(now()).await?;
        if !done {
            return Err(ApiError::StoreMoving { retry_after: 1 });
        }
        *self.tenant.borrow_mut() = Some(tenant.to_owned());
        Ok(())
    }

    /// The tenant this object serves, if it has served one (and it is still configured).
    fn tenant(&self, env: &Env) -> ApiResult<Option<Tenant>> {
        let Some(id) = self.rows.tenant()? else {
            return Ok(None);
        };
        Ok(tenants::load(env)?
            .iter()
            .find(|t| t.app_def_id == id)
            .cloned())
    }

    /// The store's upkeep (its cleanup at most every [`CLEANUP_MS`], unless
    /// `all`) and its due events, then the alarm set to what is due next.
    async fn upkeep(&self, all: bool) -> ApiResult<()> {
        let Some(tenant) = self.tenant(&self.env)? else {
            return Ok(());
        };
        match self.remember(&tenant.app_def_id).await {
            // the copy goes on in the next alarm
            Err(ApiError::StoreMoving { .. }) => return Ok(()),
            other => other?,
        }
        let started = now();
        let db = self.rows.db(&self.env, &tenant.app_def_id)?;
        let cleanup = all || started.millis() - self.cleaned.get() >= CLEANUP_MS;
        handlers::upkeep(&db, started, cleanup).await?;
        if cleanup {
            self.cleaned.set(started.millis());
        }
        let run = delivery::deliver_store(&self.env, &tenant, &db, started).await?;
        let left_on_d1 = self
            .rows
            .delete_rows_left_on_d1(&self.env, &tenant.app_def_id)
            .await?;
        let sends = self.read_sends(&db).await?;
        let later = now();
        // rows left on D1 after a move: the next page soon
        let due = db.next_due(sends).await?;
        let due = match left_on_d1 {
            true => Some(due.map_or(0, |d| d.min(later.millis()))),
            false => due,
        };
        // a run that spent its sends with events still due goes on at once
        let soonest = match run {
            delivery::Run::More => 0,
            delivery::Run::Done => MIN_ALARM_MS,
        };
        let next = due.map_or(later.plus_millis(IDLE_ALARM_MS), |due| {
            Timestamp::from_millis(
                due.clamp(later.millis() + soonest, later.millis() + IDLE_ALARM_MS),
            )
        });
        self.wake_at(next).await
    }

    /// Whether the store's events are sent, read now and kept.
    async fn read_sends(&self, db: &db::Db) -> ApiResult<bool> {
        let sends = delivery::sends(&self.env, db).await?;
        self.sends.set(Some(sends));
        Ok(sends)
    }

    /// Sets the alarm to `at`, unless it is already set sooner (as this
    /// instance knows it, else as the storage says).
    async fn wake_at(&self, at: Timestamp) -> ApiResult<()> {
        let storage = self.state.storage();
        let set = match self.alarm.get() {
            Some(known) => known,
            None => storage.get_alarm().await?,
        };
        if set.is_some_and(|ms| ms <= at.millis()) {
            self.alarm.set(Some(set));
            return Ok(());
        }
        // known before the await: a call meanwhile sees the sooner alarm, and never sets a later one
        self.alarm.set(Some(Some(at.millis())));
        let date = worker::js_sys::Date::new(&JsValue::from_f64(at.millis() as f64));
        if let Err(e) = storage.set_alarm(worker::ScheduledTime::new(date)).await {
            self.alarm.set(None);
            return Err(e.into());
        }
        Ok(())
    }

    /// The tests' hooks answer only with `STORE_TEST_HOOKS = "1"`.
    fn hooks_on(&self) -> ApiResult<()> {
        match self.env.var("STORE_TEST_HOOKS") {
            Ok(v) if v.to_string() == "1" => Ok(()),
            _ => Err(ApiError::NotFound("route")),
        }
    }

    /// `GET /__store/alarm`: `{"alarm": epoch ms or null}`, when the object wakes next.
    async fn alarm_hook(&self) -> ApiResult<Reply> {
        self.hooks_on()?;
        let alarm = self.state.storage().get_alarm().await?;
        Ok(Reply::fresh(
            serde_json::json!({ "alarm": alarm }).to_string(),
        ))
    }

    /// `POST /__store/sql {sql, args}`: the rows, for tests that age what a
    /// store holds.
    async fn sql_hook(&self, mut req: Request) -> ApiResult<Reply> {
        self.hooks_on()?;
        #[derive(serde::Deserialize)]
        struct Query {
            sql: String,
            #[serde(default)]
            args: Vec<serde_json::Value>,
        }
        let q: Query = req.json().await?;
        let args: Vec<JsValue> = q.args.iter().map(db::js_of).collect();
        let rows = self.rows.query(&q.sql, args)?;
        Ok(Reply::fresh(serde_json::Value::from(rows).to_string()))
    }
}
