//! Shell-style globs, shared by request selection (`postie run shop/create-*`), the inbox
//! (`inbox list --path`) and `expect_webhook`.

/// Shell-style glob on a path: `*` any run of characters (also `/`), `?` one character.
pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(matches("/hooks/*", "/hooks/github/push"));
        assert!(matches("/h?oks", "/hooks"));
        assert!(matches("*", ""));
        assert!(!matches("/hooks/*", "/other"));
        assert!(!matches("/a", "/ab"));
        assert!(matches("*/push", "/hooks/github/push"));
    }

    #[test]
    fn request_name_globs() {
        assert!(matches("create-*", "create-plan"));
        assert!(matches("*plan", "create-plan"));
        assert!(matches("c?eate-*", "create-plan"));
        assert!(!matches("create-?", "create-plan"));
        assert!(matches("*", ""));
        assert!(!matches("a*b", "ac"));
    }
}
