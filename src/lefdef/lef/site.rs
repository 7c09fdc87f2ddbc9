//! `SITE name ... END name`: the placement site's class, symmetry and size. `ROWPATTERN` (sites
//! made of other sites) is skipped.

use super::common::{
    end_name, ident, next_statement, nonneg, skip_in_block, unknown, upper, words, Block, Warnings,
};
use super::Site;
use crate::lefdef::lex::{context, cut, cut_fail, keyword, semi, sp, PResult};

/// A `SITE` section, `s` after the keyword.
pub(super) fn site<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, Site> {
    let (s, name) = cut(ident(s))?;
    context(|| format!("SITE {name}"), cut(site_body(s, name, w)))
}

fn site_body<'a>(s: &'a str, name: &'a str, w: &mut Warnings) -> PResult<'a, Site> {
    let block = Block { name: Some(name) };
    let (mut class, mut symmetry, mut size) = (None, Vec::new(), None);
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                let (s, ()) = end_name(at, rest, name)?;
                let Some(size) = size else {
                    return cut_fail(
                        sp(at),
                        format!("expected 'SIZE' in SITE {name}, found 'END'"),
                    );
                };
                return Ok((
                    s,
                    Site {
                        name: name.to_string(),
                        class,
                        symmetry,
                        size,
                    },
                ));
            }
            "CLASS" => {
                let (rest, c) = words(rest)?;
                class = Some(c);
                rest
            }
            "SYMMETRY" => {
                let (rest, sym) = words(rest)?;
                symmetry = sym.split(' ').map(str::to_string).collect();
                rest
            }
            "SIZE" => {
                let (rest, wh) = size_by(rest)?;
                size = Some(wh);
                rest
            }
            "ROWPATTERN" | "PROPERTY" => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| format!("SITE {name}"), w)?.0,
        };
    }
}

/// `w BY h ;` with both non-negative (also used by `MACRO ... SIZE`).
pub(super) fn size_by(s: &str) -> PResult<'_, (f64, f64)> {
    let (s, w) = nonneg(s)?;
    let (s, _) = keyword("BY")(s)?;
    let (s, h) = nonneg(s)?;
    let (s, ()) = semi(s)?;
    Ok((s, (w, h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Site, String> {
        super::super::common::run_block(text, site).map(|(s, _)| s)
    }

    #[test]
    fn core_site() {
        let s =
            run("SITE unithd\n  SYMMETRY Y ;\n  CLASS CORE ;\n  SIZE 0.46 BY 2.72 ;\nEND unithd")
                .unwrap();
        assert_eq!(s.name, "unithd");
        assert_eq!(s.class.as_deref(), Some("CORE"));
        assert_eq!(s.symmetry, vec!["Y"]);
        assert_eq!(s.size, (0.46, 2.72));
        let s =
            run("SITE s CLASS pad ; SYMMETRY x y r90 ; SIZE 1 BY 2 ; ROWPATTERN a N b FS ; END s")
                .unwrap();
        assert_eq!(s.symmetry, vec!["X", "Y", "R90"]);
        assert_eq!(s.class.as_deref(), Some("PAD"));
    }

    #[test]
    fn site_errors() {
        assert_eq!(
            run("SITE s\n  SIZE 0.46 2.72 ;\nEND s").unwrap_err(),
            "2:13: expected 'BY', found '2.72' (SITE s)"
        );
        assert_eq!(
            run("SITE s\n  SIZE -1 BY 2 ;\nEND s").unwrap_err(),
            "2:8: expected a non-negative number, found '-1' (SITE s)"
        );
        assert_eq!(
            run("SITE s\n  CLASS CORE ;\nEND s").unwrap_err(),
            "3:1: expected 'SIZE' in SITE s, found 'END' (SITE s)"
        );
        assert_eq!(
            run("SITE s\n  SIZE 1 BY 1 ;\nEND t").unwrap_err(),
            "3:1: expected 'END s', found 'END t' (SITE s)"
        );
        assert_eq!(
            run("SITE s\n  SIZE 1 BY 1\nEND s").unwrap_err(),
            "3:1: expected ';', found 'END' (SITE s)"
        );
    }
}
