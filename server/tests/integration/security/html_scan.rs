//! Reads an HTML page the way a browser's tokenizer splits it into markup
//! and data — enough to tell a payload rendered as markup from one shown
//! as text: elements with their attributes, and the decoded text and
//! attribute values. Script and style contents are raw text that ends at
//! the first `</script` / `</style`, as in a browser, so a payload that
//! breaks out of serialised hydration data shows up as markup too.

#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Page {
    pub elements: Vec<Element>,
    /// Decoded text runs, attribute values and raw script contents.
    pub data: Vec<String>,
}

pub fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn scan(html: &str) -> Page {
    let mut page = Page::default();
    let mut i = 0;
    let mut text_from = 0;
    let bytes = html.as_bytes();
    let flush = |page: &mut Page, from: usize, to: usize| {
        if from < to {
            page.data.push(decode(&html[from..to]));
        }
    };
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        let skip_to = |pattern: &str, from: usize| rest[from..].find(pattern).map_or(bytes.len(), |at| i + from + at + pattern.len());
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        let end = if rest.starts_with("<!--") {
            skip_to("-->", 4)
        } else if next == b'!' || next == b'?' || next == b'/' {
            skip_to(">", 1)
        } else if next.is_ascii_alphabetic() {
            let (element, after) = tag(html, i + 1);
            let raw = ["script", "style", "textarea", "title"].contains(&element.name.as_str());
            let name = element.name.clone();
            flush(&mut page, text_from, i);
            page.data.extend(element.attributes.iter().map(|(_, value)| value.clone()));
            page.elements.push(element);
            i = after;
            text_from = after;
            if raw {
                let close = format!("</{name}");
                let stop = html[after..].to_ascii_lowercase().find(&close).map_or(bytes.len(), |at| after + at);
                let content = &html[after..stop];
                page.data.push(if name == "script" || name == "style" { content.to_owned() } else { decode(content) });
                i = stop;
                text_from = stop;
            }
            continue;
        } else {
            i += 1;
            continue;
        };
        flush(&mut page, text_from, i);
        i = end;
        text_from = end;
    }
    flush(&mut page, text_from, bytes.len());
    page
}

/// An element starting after its `<`; and where the markup after it begins.
fn tag(html: &str, from: usize) -> (Element, usize) {
    let bytes = html.as_bytes();
    let mut i = from;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let mut element = Element { name: html[from..i].to_ascii_lowercase(), attributes: Vec::new() };
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (element, i);
        }
        if bytes[i] == b'>' {
            return (element, i + 1);
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = html[i + 1..].find(quote as char).map_or(bytes.len(), |at| i + 1 + at);
                    value = decode(&html[i + 1..end]);
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode(&html[start..i]);
                }
            }
        }
        element.attributes.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_data_are_told_apart() {
        let page = scan(r#"<p class="a">x &lt;b&gt; <input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"><!-- <i> --><script nonce="n">var s = "</b>";</script><img src=x onerror=f()>"#);
        let names: Vec<&str> = page.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["p", "input", "script", "img"]);
        assert_eq!(page.elements[1].attributes[0], ("value".into(), r#""><img src=x onerror=alert(1)>"#.into()));
        assert!(page.data.iter().any(|d| d.contains("x <b>")));
        assert_eq!(page.elements[3].attributes[1].0, "onerror");
        // A script ends at the first `</script`, whatever its JavaScript means.
        let broken = scan(r#"<script nonce="n">var s = "</script><script>alert(1)</script>";</script>"#);
        assert_eq!(broken.elements.iter().filter(|e| e.name == "script").count(), 2);
    }
}
