//! The cookies a response sets, for `[requests.expect.cookies]` and `cookie:` captures: each
//! `Set-Cookie` header parsed by the `cookie` crate; a name set twice counts as the last one.

use serde_json::Value;

use crate::request::CookieAttr;

/// What `NAME[attr]` is in the response's `Set-Cookie` headers: `None` when the response sets
/// no cookie `name`, or the cookie lacks the attribute (`Secure` and `HttpOnly` are always
/// `true` or `false` for a cookie that is set).
pub(super) fn lookup(headers: &[(String, String)], name: &str, attr: CookieAttr) -> Option<Value> {
    let cookie = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| cookie::Cookie::parse(v.as_str()).ok())
        .rfind(|c| c.name() == name)?;
    match attr {
        CookieAttr::Value => Some(Value::String(cookie.value().to_owned())),
        CookieAttr::Expires => cookie
            .expires_datetime()
            .and_then(|at| at.to_offset(time::UtcOffset::UTC).format(&HTTP_DATE).ok())
            .map(Value::String),
        CookieAttr::MaxAge => cookie.max_age().map(|age| Value::from(age.whole_seconds())),
        CookieAttr::Domain => cookie.domain().map(|d| Value::String(d.to_owned())),
        CookieAttr::Path => cookie.path().map(|p| Value::String(p.to_owned())),
        CookieAttr::Secure => Some(Value::Bool(cookie.secure().unwrap_or(false))),
        CookieAttr::HttpOnly => Some(Value::Bool(cookie.http_only().unwrap_or(false))),
        CookieAttr::SameSite => cookie.same_site().map(|s| Value::String(s.to_string())),
    }
}

/// `Wed, 21 Oct 2015 07:28:00 GMT` (RFC 9110's IMF-fixdate).
const HTTP_DATE: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_of_the_last_cookie_of_that_name() {
        let headers = vec![
            ("set-cookie".to_owned(), "sid=old".to_owned()),
            (
                "Set-Cookie".to_owned(),
                "sid=new; Path=/app; Domain=example.com; Max-Age=3600; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly; SameSite=Lax".to_owned(),
            ),
            ("set-cookie".to_owned(), "plain=1".to_owned()),
        ];
        let get = |name, attr| lookup(&headers, name, attr);
        assert_eq!(get("sid", CookieAttr::Value), Some(Value::from("new")));
        assert_eq!(get("sid", CookieAttr::Path), Some(Value::from("/app")));
        assert_eq!(
            get("sid", CookieAttr::Domain),
            Some(Value::from("example.com"))
        );
        assert_eq!(get("sid", CookieAttr::MaxAge), Some(Value::from(3600)));
        assert_eq!(
            get("sid", CookieAttr::Expires),
            Some(Value::from("Wed, 21 Oct 2037 07:28:00 GMT"))
        );
        assert_eq!(get("sid", CookieAttr::Secure), Some(Value::Bool(true)));
        assert_eq!(get("sid", CookieAttr::HttpOnly), Some(Value::Bool(true)));
        assert_eq!(get("sid", CookieAttr::SameSite), Some(Value::from("Lax")));
        assert_eq!(get("plain", CookieAttr::Secure), Some(Value::Bool(false)));
        assert_eq!(get("plain", CookieAttr::Path), None);
        assert_eq!(get("none", CookieAttr::Value), None);
    }
}
