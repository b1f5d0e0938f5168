//! A pasted command line split into words as the shell would: bash (quotes, `$'…'`, `\`
//! line continuations, `#` comments) or Windows cmd ("Copy as cURL (cmd)": `^` escapes and
//! continuations, then the C runtime's argv rules). Hand-written because `shlex` knows neither
//! `$'…'` (which browsers emit for bash) nor cmd.

/// Which shell's quoting the text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Bash,
    Cmd,
}

/// The quoting is broken (an unterminated quote, a trailing escape).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SplitError(pub String);

/// Cmd when it looks like cmd: a `^"` quote or a `^` at the end of a line.
pub fn flavour(text: &str) -> Flavour {
    let caret_eol = text.lines().any(|l| l.trim_end().ends_with('^'));
    if text.contains("^\"") || caret_eol {
        Flavour::Cmd
    } else {
        Flavour::Bash
    }
}

/// The words of `text` in its [`flavour`].
pub fn split(text: &str) -> Result<Vec<String>, SplitError> {
    match flavour(text) {
        Flavour::Bash => split_bash(text),
        Flavour::Cmd => split_argv(&cmd_unescape(text)),
    }
}

/// Bash words: `'…'`, `"…"` (with `\` before `$`, `` ` ``, `"`, `\`, newline), `$'…'`,
/// `\` outside quotes, `\` + newline as a continuation, `#` comments at a word's start.
pub fn split_bash(text: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => words.extend(word.take()),
            '#' if word.is_none() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(next) => word.get_or_insert_default().push(next),
                None => return Err(SplitError("the command ends with a lone `\\`".into())),
            },
            '\'' => {
                let w = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(unterminated('\'')),
                    }
                }
            }
            '"' => double_quoted(&mut chars, word.get_or_insert_default())?,
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                ansi_c(&mut chars, word.get_or_insert_default())?;
            }
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

fn unterminated(quote: char) -> SplitError {
    SplitError(format!("a `{quote}` quote is not closed"))
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn double_quoted(chars: &mut Chars<'_>, w: &mut String) -> Result<(), SplitError> {
    loop {
        match chars.next() {
            Some('"') => return Ok(()),
            Some('\\') => match chars.next() {
                Some('\n') => {}
                Some(c @ ('$' | '`' | '"' | '\\')) => w.push(c),
                Some(c) => {
                    w.push('\\');
                    w.push(c);
                }
                None => return Err(unterminated('"')),
            },
            Some(c) => w.push(c),
            None => return Err(unterminated('"')),
        }
    }
}

/// The inside of `$'…'`: C escapes (`\n`, `\t`, `\r`, `\\`, `\'`, `\"`, `\xHH`, `\uHHHH`,
/// `\UHHHHHHHH`, octal `\NNN`).
fn ansi_c(chars: &mut Chars<'_>, w: &mut String) -> Result<(), SplitError> {
    loop {
        match chars.next() {
            Some('\'') => return Ok(()),
            Some('\\') => {
                let Some(c) = chars.next() else {
                    return Err(unterminated('\''));
                };
                match c {
                    'n' => w.push('\n'),
                    't' => w.push('\t'),
                    'r' => w.push('\r'),
                    'a' => w.push('\x07'),
                    'b' => w.push('\x08'),
                    'e' | 'E' => w.push('\x1b'),
                    'f' => w.push('\x0c'),
                    'v' => w.push('\x0b'),
                    'x' => push_code(chars, w, 16, 2, None),
                    'u' => push_code(chars, w, 16, 4, None),
                    'U' => push_code(chars, w, 16, 8, None),
                    '0'..='7' => push_code(chars, w, 8, 2, Some(c)),
                    c @ ('\\' | '\'' | '"' | '?') => w.push(c),
                    c => {
                        w.push('\\');
                        w.push(c);
                    }
                }
            }
            Some(c) => w.push(c),
            None => return Err(unterminated('\'')),
        }
    }
}

/// Up to `max` more digits in `radix` (after `first`, for octal) as one character.
fn push_code(chars: &mut Chars<'_>, w: &mut String, radix: u32, max: usize, first: Option<char>) {
    let mut digits: String = first.map(String::from).unwrap_or_default();
    while digits.len() < max + usize::from(first.is_some()) {
        match chars.peek() {
            Some(c) if c.is_digit(radix) => {
                digits.push(*c);
                chars.next();
            }
            _ => break,
        }
    }
    match u32::from_str_radix(&digits, radix)
        .ok()
        .and_then(char::from_u32)
    {
        Some(c) => w.push(c),
        None => w.push('\u{fffd}'),
    }
}

/// cmd's own pass: `^X` is `X` outside `"…"` (a `^` at a line's end joins the lines and
/// escapes the next character); quotes are kept for [`split_argv`].
pub fn cmd_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' if !quoted => {
                if chars.peek() == Some(&'\r') {
                    chars.next();
                }
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                // An escaped quote is literal for cmd; the C runtime still sees a quote.
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The Microsoft C runtime's argv rules: whitespace separates outside `"…"`; 2n backslashes
/// before `"` are n and the quote toggles, 2n+1 are n and a literal `"`; `""` inside quotes
/// is a literal `"`.
pub fn split_argv(text: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' if !quoted => words.extend(word.take()),
            '\\' => {
                let mut n = 1;
                while chars.peek() == Some(&'\\') {
                    chars.next();
                    n += 1;
                }
                let w = word.get_or_insert_default();
                if chars.peek() == Some(&'"') {
                    w.extend(std::iter::repeat_n('\\', n / 2));
                    if n % 2 == 1 {
                        chars.next();
                        w.push('"');
                    }
                } else {
                    w.extend(std::iter::repeat_n('\\', n));
                }
            }
            '"' => {
                let w = word.get_or_insert_default();
                if quoted && chars.peek() == Some(&'"') {
                    chars.next();
                    w.push('"');
                } else {
                    quoted = !quoted;
                }
            }
            c => word.get_or_insert_default().push(c),
        }
    }
    if quoted {
        return Err(unterminated('"'));
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_quotes_and_continuations() {
        let text =
            "curl 'http://x/a b' \\\n  -H \"X-A: \\\"q\\\" \\$x\" -d $'a\\nb\\'c\\x41' # note\n";
        assert_eq!(
            split(text).unwrap(),
            [
                "curl",
                "http://x/a b",
                "-H",
                "X-A: \"q\" $x",
                "-d",
                "a\nb'cA"
            ]
        );
    }

    #[test]
    fn cmd_as_browsers_copy_it() {
        // Chrome's "Copy as cURL (cmd)": ^"…^", \^" for a quote, ^% before a name, ^ + newline.
        let text = "curl ^\"http://x/q?a=1^&b=^%^41^\" ^\n  -H ^\"X-A: \\^\"v\\^\"^\" ^\n  --data-raw ^\"^{^\\^\"k^\\^\":1^}^\"";
        assert_eq!(flavour(text), Flavour::Cmd);
        assert_eq!(
            split(text).unwrap(),
            [
                "curl",
                "http://x/q?a=1&b=%41",
                "-H",
                "X-A: \"v\"",
                "--data-raw",
                "{\"k\":1}"
            ]
        );
    }

    #[test]
    fn broken_quoting_is_an_error() {
        assert!(split("curl 'http://x").is_err());
        assert!(split("curl \"http://x").is_err());
        assert!(split_argv("curl \"x").is_err());
    }
}
