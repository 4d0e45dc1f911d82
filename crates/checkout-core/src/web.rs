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
/// private, loopback, link-local or unspecified address, nor `localhost`.
/// With `allow_local_http` (a `[vars]` flag `npm start` sets) plain `http`
/// to a loopback host is allowed too, for a receiver in local development.
pub fn webhook_url_allowed(url: &str, allow_local_http: bool) -> bool {
    let Some(p) = parts(url) else {
        return false;
    };
    if p.user_info || url.len() > 2000 {
        return false;
    }
    let host = p.host.to_ascii_lowercase();
    let loopback = is_loopback(&host);
    match p.scheme {
        "https" => !loopback && !is_private(&host),
        "http" => allow_local_http && loopback,
        _ => false,
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An address no public receiver has: private, link-local, shared (CGNAT),
/// unspecified, or a name that only resolves locally.
fn is_private(host: &str) -> bool {
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        let [a, b, ..] = ip.octets();
        return ip.is_private()
            || ip.is_link_local()
            || ip.is_unspecified()
            || ip.is_broadcast()
            || a == 0
            || (a == 100 && (64..128).contains(&b));
    }
    if let Ok(ip) = host.parse::<std::net::Ipv6Addr>() {
        let first = ip.segments()[0];
        return ip.is_unspecified()
            || (first & 0xfe00) == 0xfc00
            || (first & 0xffc0) == 0xfe80
            || ip
                .to_ipv4_mapped()
                .is_some_and(|v4| is_private(&v4.to_string()) || v4.is_loopback());
    }
    host.ends_with(".local") || host.ends_with(".internal") || !host.contains('.')
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
