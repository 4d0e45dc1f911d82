//! JSON text of any `Serialize` value, byte for byte what `serde_json`
//! writes (compact), but faster where the core's answers spend their time:
//! a struct's field names are written without an escape check (they are
//! Rust names, or names the core gave them), and strings are scanned eight
//! bytes at a time (`checkout_pricing::json::string`). Numbers, byte
//! strings and map keys other than strings are written by `serde_json`
//! itself, so they cannot differ; a `RawValue` is copied as its text.
//!
//! Counted on a 300-line checkout's GET (BENCHMARKS.md, "The core's work per
//! request"): the JSON writing was 5.6 M of its 9.2 M instructions.

use checkout_pricing::json::string;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{self, Serialize};
use serde_json::value::RawValue;
use std::fmt::Display;

/// The name under which `serde_json` serializes a `RawValue` (a struct of
/// one field of this name whose value is the raw text).
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Why a value could not be written.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error(e.to_string())
    }
}

/// Writes `value` after what `out` holds.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Writer { out })
}

/// Serializer methods whose value `serde_json` writes (`by_serde_json`: a
/// number, say, which then cannot differ).
macro_rules! by_serde_json {
    ($($method:ident: $t:ty),*) => {
        $(fn $method(self, v: $t) -> Result<(), Error> { self.by_serde_json(&v) })*
    };
}

/// The writer: `serde_json`'s compact output.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

impl Writer<'_> {
    /// A value `serde_json` writes itself (a number, a byte string).
    fn by_serde_json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        Ok(value.serialize(&mut serde_json::Serializer::new(&mut *self.out))?)
    }

    /// `{"variant":`, before an enum variant's value.
    fn open_variant(&mut self, variant: &str) {
        self.out.push(b'{');
        string(self.out, variant);
        self.out.push(b':');
    }
}

/// A list, a map or a struct being written: whether an element came yet.
struct Compound<'w, 'a> {
    w: &'w mut Writer<'a>,
    first: bool,
    /// Closes an enum variant's object too.
    variant: bool,
    /// A `RawValue`: its one field is written as it is.
    raw: bool,
}

impl<'w, 'a> Compound<'w, 'a> {
    fn new(w: &'w mut Writer<'a>, open: u8, variant: bool) -> Self {
        w.out.push(open);
        Compound {
            w,
            first: true,
            variant,
            raw: false,
        }
    }

    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
    }

    /// A field name: a Rust name, or one a `rename` gave it, written as it
    /// is (no name the core writes needs escaping; the tests, which write
    /// every view, check that none does).
    fn key(&mut self, key: &str) {
        debug_assert!(
            key.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\'),
            "{key:?} would need escaping"
        );
        // the comma written here, not by `comma()`: one capacity check for it and the name
        // (1% of a 300-line GET's instructions, counted)
        let out = &mut *self.w.out;
        out.reserve(key.len() + 4);
        if !self.first {
            out.push(b',');
        }
        self.first = false;
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
    }

    fn close(self, close: u8) {
        self.w.out.push(close);
        if self.variant {
            self.w.out.push(b'}');
        }
    }
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    by_serde_json!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128, serialize_f32: f32, serialize_f64: f64);
    fn serialize_char(self, v: char) -> Result<(), Error> {
        string(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.by_serde_json(&serde_bytes_of(v))
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'a>, Error> {
        Ok(Compound::new(self, b'[', false))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        self.open_variant(variant);
        Ok(Compound::new(self, b'[', true))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'a>, Error> {
        Ok(Compound::new(self, b'{', false))
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'w, 'a>, Error> {
        if name == RAW_VALUE {
            return Ok(Compound {
                w: self,
                first: true,
                variant: false,
                raw: true,
            });
        }
        Ok(Compound::new(self, b'{', false))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        self.open_variant(variant);
        Ok(Compound::new(self, b'{', true))
    }
}

/// Bytes as `serde_json` writes them (a list of numbers).
fn serde_bytes_of(v: &[u8]) -> impl Serialize + '_ {
    struct Bytes<'b>(&'b [u8]);
    impl Serialize for Bytes<'_> {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }
    Bytes(v)
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b']');
        Ok(())
    }
}

/// A tuple, a tuple struct and a tuple variant's fields are a list's elements.
macro_rules! as_a_list {
    ($($trait:ident::$method:ident),*) => {
        $(impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                ser::SerializeSeq::serialize_element(self, value)
            }
            fn end(self) -> Result<(), Error> {
                ser::SerializeSeq::end(self)
            }
        })*
    };
}

as_a_list!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(MapKey { w: &mut *self.w })?;
        self.w.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if self.raw {
            return value.serialize(RawText { w: &mut *self.w });
        }
        self.key(key);
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        if !self.raw {
            self.close(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeStruct::end(self)
    }
}

/// A map's key: a string is written here; anything else (a number, say,
/// which JSON quotes) by `serde_json`, which writes it as its key or refuses it.
struct MapKey<'w, 'a> {
    w: &'w mut Writer<'a>,
}

impl MapKey<'_, '_> {
    fn by_serde_json<T: Serialize + ?Sized>(self, key: &T) -> Result<(), Error> {
        // a one-entry map written by serde_json, less its braces and colon and value
        let mut text = Vec::new();
        let mut map = serde_json::Serializer::new(&mut text);
        let mut m = ser::Serializer::serialize_map(&mut map, Some(1))?;
        ser::SerializeMap::serialize_entry(&mut m, key, &())?;
        ser::SerializeMap::end(m)?;
        // {KEY:null}
        let inner = text
            .get(1..text.len().saturating_sub(6))
            .ok_or_else(|| Error("a map key could not be written".into()))?;
        self.w.out.extend_from_slice(inner);
        Ok(())
    }
}

/// Serializer methods that refuse what they are given, with `why`.
macro_rules! refuse {
    ($why:literal; $($method:ident $(<$t:ident>)? ($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method $(<$t: Serialize + ?Sized>)? (self $(, _: $arg)*) -> Result<$ret, Error> {
            Err(Error($why.into()))
        })*
    };
}

impl ser::Serializer for MapKey<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.w.out, v);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    by_serde_json!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16,
        serialize_i32: i32, serialize_i64: i64, serialize_i128: i128, serialize_u8: u8,
        serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
        serialize_f32: f32, serialize_f64: f64, serialize_char: char);
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.by_serde_json(&serde_bytes_of(v))
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.by_serde_json(&Option::<()>::None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.by_serde_json(&Some(value))
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.by_serde_json(&())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.by_serde_json(&())
    }
    refuse! { "key must be a string";
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// A `RawValue`'s text, copied as it is (it is JSON already).
struct RawText<'w, 'a> {
    w: &'w mut Writer<'a>,
}

impl ser::Serializer for RawText<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.w.out.extend_from_slice(v.as_bytes());
        Ok(())
    }
    refuse! { "a RawValue holds text";
        serialize_bool(bool) -> (); serialize_i8(i8) -> (); serialize_i16(i16) -> ();
        serialize_i32(i32) -> (); serialize_i64(i64) -> (); serialize_u8(u8) -> ();
        serialize_u16(u16) -> (); serialize_u32(u32) -> (); serialize_u64(u64) -> ();
        serialize_f32(f32) -> (); serialize_f64(f64) -> (); serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> (); serialize_none() -> (); serialize_some<T>(&T) -> ();
        serialize_unit() -> (); serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_newtype_struct<T>(&'static str, &T) -> ();
        serialize_newtype_variant<T>(&'static str, u32, &'static str, &T) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// A JSON object's top-level fields as written, in their order, each value
/// as its text: what is under them is scanned, never made into values (an
/// order's event reads the order's 250 KB this way, `events::complete`).
pub struct Fields<'a>(pub Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(field);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(Object)
    }
}

/// The JSON object of `fields`, each value as its text.
pub fn write_fields<'a>(fields: impl IntoIterator<Item = (String, &'a RawValue)>) -> String {
    let written: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k), v.get()))
        .collect();
    format!("{{{}}}", written.join(","))
}

#[cfg(test)]
mod tests {
    use super::write;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::Value;
    use std::collections::BTreeMap;

    fn text<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        write(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn same<T: Serialize + ?Sized>(value: &T) {
        assert_eq!(text(value), serde_json::to_string(value).unwrap());
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Fields<'a> {
        plain_name: &'a str,
        #[serde(rename = "renamed-name")]
        renamed: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        kept: Option<u8>,
        nested: Vec<Shape>,
        unit: (),
        tuple: (i8, f64, char),
        bytes: &'a [u8],
        raw: &'a serde_json::value::RawValue,
        empty: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        flattened: Inner,
    }

    #[derive(Serialize)]
    struct Inner {
        #[serde(flatten)]
        extra: BTreeMap<String, Value>,
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize, PartialEq, Eq, Hash)]
    struct Newtype(u32);

    #[derive(Serialize)]
    struct Pair(u8, &'static str);

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Circle(f32),
        Line(i32, i32),
        Box { w: u16, h: u16 },
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
    enum Tagged {
        OneThing { at: i64 },
        Other,
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let raw = serde_json::value::RawValue::from_string(r#"{"a": [1, 2]}"#.into()).unwrap();
        same(&Fields {
            plain_name: "tab\there \"quoted\" \u{1}",
            renamed: 7,
            skipped: None,
            kept: None,
            nested: vec![
                Shape::Dot,
                Shape::Circle(1.5),
                Shape::Line(-1, 2),
                Shape::Box { w: 3, h: 4 },
            ],
            unit: (),
            tuple: (-128, f64::NAN, 'é'),
            bytes: &[0, 255],
            raw: &raw,
            empty: vec![],
            empty_map: BTreeMap::new(),
            flattened: Inner {
                extra: [
                    ("x".to_string(), Value::from(1)),
                    ("y\n".to_string(), Value::Null),
                ]
                .into_iter()
                .collect(),
            },
        });
        same(&(
            Unit,
            Newtype(9),
            Pair(1, "b"),
            [Tagged::OneThing { at: -5 }, Tagged::Other],
        ));
        same(&Some(u128::MAX));
        same(&[i128::MIN]);
        same(&[f32::INFINITY, 0.1, -0.0, 1e30_f32]);
        same(&[1e-7_f64, 1e21, f64::MAX]);
        same(&[true, false]);
        // map keys that are not strings are quoted, as serde_json quotes them
        same(
            &[(1u8, "a"), (2, "b")]
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
        );
        same(&[(-3i64, 0)].into_iter().collect::<BTreeMap<_, _>>());
        same(&[('c', 0)].into_iter().collect::<BTreeMap<_, _>>());
        same(&[(true, 0)].into_iter().collect::<BTreeMap<_, _>>());
        same(
            &[(Newtype(4), 0)]
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>(),
        );
        same(&[(Shape::Dot, 0)].into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        let list_key = [(vec![1], 0)].into_iter().collect::<BTreeMap<_, _>>();
        assert!(write(&mut Vec::new(), &list_key).is_err());
        assert!(serde_json::to_string(&list_key).is_err());
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "(?s).{0,24}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map("(?s).{0,12}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_is_written_as_serde_json_writes_it(v in any_value()) {
            prop_assert_eq!(text(&v), serde_json::to_string(&v).unwrap());
        }
    }
}
