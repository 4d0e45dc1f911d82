//! The web addresses a store names, checked once: its storefront origins
//! (CORS, `allowedOrigins`) and the URL its events go to (`webhooks.url`).
//! One small parser reads both; nothing here resolves a name.

/// A URL cut at `://` and at the end of its authority: the scheme, the host
/// as written (an IPv6 address without its brackets, `v6` then), whether
/// the authority held user info, and what follows the authority. A port, if
/// any, is one to five digits.
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    v6: bool,
    user_info: bool,
    rest: &'a str,
}

fn parts(url: &str) -> Option<Parts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let user_info = authority.contains('@');
    let v6 = authority.starts_with('[');
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':')?)),
            }
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    (!host.is_empty() && port_ok).then_some(Parts {
        scheme,
        host,
        v6,
        user_info,
        rest,
    })
}

/// An origin as a browser sends it: `http` or `https`, a host of lower-case
/// letters, digits, dots and dashes (or an IPv6 address in brackets), an
/// optional port, nothing else.
pub fn is_origin(origin: &str) -> bool {
    let Some(p) = parts(origin) else {
        return false;
    };
    let host_ok = if p.v6 {
        p.host
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        p.host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    };
    matches!(p.scheme, "http" | "https")
        && host_ok
        && !p.user_info
        && p.rest.is_empty()
        && origin.len() <= 200
}

/// Whether events may be sent to `url`: `https` to a public host; never a
/// private, loopback, link-local, shared (CGNAT), multicast, reserved or
/// unspecified address in any of its spellings, nor `localhost` or a name
/// that only resolves locally, nor a URL with user info. The URL is read as
/// `fetch` reads it (the WHATWG parser of the `url` crate), so `127.1`,
/// `0x7f.0.0.1`, `%31%32%37.0.0.1`, `127.0.0.1.`, `[::ffff:127.0.0.1]` and
/// `https://169.254.169.254\latest` are the addresses they are. With
/// `allow_local_http` (a `[vars]` flag `npm start` sets) plain `http` to a
/// loopback host is allowed too, for a receiver in local development.
pub fn webhook_url_allowed(url: &str, allow_local_http: bool) -> bool {
    if url.len() > 2000 {
        return false;
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return false;
    }
    let (loopback, public) = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => (ip.is_loopback(), public_v4(ip)),
        Some(url::Host::Ipv6(ip)) => (ip.is_loopback(), public_v6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
            let loopback = name == "localhost" || name.ends_with(".localhost");
            let local =
                name.ends_with(".local") || name.ends_with(".internal") || !name.contains('.');
            (loopback, !loopback && !local && !name.is_empty())
        }
        None => return false,
    };
    match parsed.scheme() {
        "https" => public,
        "http" => allow_local_http && loopback,
        _ => false,
    }
}

/// An IPv4 address a public receiver may have: none of the private,
/// loopback, link-local, shared (100.64/10), "this network" (0/8),
/// benchmarking (198.18/15), documentation, multicast or reserved ranges.
fn public_v4(ip: std::net::Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (18..20).contains(&b))
        || (a == 192 && b == 0 && c == 0))
}

/// An IPv6 address a public receiver may have: global unicast (2000::/3),
/// and not one that stands for an IPv4 address that is not public (mapped,
/// NAT64 64:ff9b::/96, 6to4 2002::/16) nor documentation (2001:db8::/32).
fn public_v6(ip: std::net::Ipv6Addr) -> bool {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| {
        std::net::Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return public_v4(v4(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return public_v4(v4(s[1], s[2]));
    }
    (s[0] & 0xe000) == 0x2000 && !(s[0] == 0x2001 && s[1] == 0x0db8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_go_to_public_https_receivers_only() {
        for ok in [
            "https://hooks.example.com/edge",
            "https://hooks.example.com:8443/a?b=c",
            "https://[2606:4700::1]/x",
        ] {
            assert!(webhook_url_allowed(ok, false), "{ok}");
        }
        for bad in [
            "http://hooks.example.com/",
            "ftp://hooks.example.com/",
            "https://localhost/",
            "https://api.localhost/",
            "https://127.0.0.1/",
            "https://10.0.0.8/",
            "https://172.16.4.4/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://printer.local/",
            "https://intranet/",
            "https://user@hooks.example.com/",
            "https:///nohost",
            "not a url",
            // the same addresses in the other spellings a URL parser takes
            "https://127.1/",
            "https://0x7f.0.0.1/",
            "https://0177.0.0.1/",
            "https://2130706433/",
            "https://%31%32%37.0.0.1/",
            "https://127.0.0.1./",
            "https://localhost./",
            "https://LOCALHOST/",
            "https://[0:0:0:0:0:0:0:1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:7f00:1]/",
            "https://[64:ff9b::7f00:1]/",
            "https://[2002:7f00:1::]/",
            "https://169.254.169.254\\latest/meta-data",
            "https://0x a9.0xfe.169.254/",
            "https://user:pw@127.0.0.1/",
            "https://hooks.example.com@127.0.0.1/",
            "https://[ff02::1]/",
            "https://[2001:db8::1]/",
            "https://224.0.0.1/",
            "https://255.255.255.255/",
            "https://198.18.0.1/",
            "https://192.0.0.8/",
            "https://240.0.0.1/",
            "https://100.127.255.255/",
        ] {
            assert!(!webhook_url_allowed(bad, false), "{bad}");
            assert!(
                !webhook_url_allowed(bad, true) || bad.starts_with("http://"),
                "{bad}"
            );
        }
        // local development: plain http to a loopback receiver, when the worker allows it
        for local in [
            "http://127.0.0.1:9000/hooks",
            "http://localhost:3000/",
            "http://[::1]:8080/",
        ] {
            assert!(webhook_url_allowed(local, true), "{local}");
            assert!(!webhook_url_allowed(local, false), "{local}");
        }
        assert!(!webhook_url_allowed("http://10.0.0.1/", true));
        assert!(!webhook_url_allowed("http://user@127.0.0.1:9000/", true));
        // public addresses stay allowed, whatever their spelling
        for ok in [
            "https://8.8.8.8/",
            "https://[2606:4700:4700::1111]/",
            "https://hooks.example.com./x",
            "https://100.128.0.1/",
        ] {
            assert!(webhook_url_allowed(ok, false), "{ok}");
        }
    }

    #[test]
    fn allowed_origins_are_origins_as_browsers_send_them() {
        for ok in [
            "https://shop.example",
            "http://127.0.0.1:5173",
            "https://a-b.c.example:8443",
            "http://[::1]:3000",
        ] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "https://shop.example/",
            "https://shop.example/path",
            "shop.example",
            "ftp://shop.example",
            "https://Shop.example",
            "https://shop.example:",
            "https://shop.example:123456",
            "https://",
            "*",
            "null",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }
}
