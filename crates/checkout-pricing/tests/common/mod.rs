//! What the integration tests share: the serde reader of the pricing input,
//! the reference the hand-written JSON reader is held to.

use checkout_pricing::{input, Cart, Result};

/// The cart that `serde_json` and the serde readers of the raw input types
/// read from `text`, validated by the same rules as [`Cart::from_json`].
pub fn serde_cart(text: &str) -> Result<Cart> {
    Cart::from_raw(input::deserialize(
        &mut serde_json::Deserializer::from_str(text),
    )?)
}
