//! Baseline: how long tokenizing a whole file with `lex::token` takes (for comparison with parse).
use std::time::Instant;
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let text = mpgd::lefdef::read_text(std::path::Path::new(&p)).unwrap();
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let mut s = text.as_str();
        n = 0;
        while let Ok((r, _)) = mpgd::lefdef::lex::token(s) {
            s = r;
            n += 1;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mut bestc = f64::MAX;
    for _ in 0..10 {
        let t = Instant::now();
        std::hint::black_box(memchr::memchr_iter(b'\n', text.as_bytes()).count());
        bestc = bestc.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{n} tokens in {:.1} ms; newline count {:.1} ms",
        best * 1e3,
        bestc * 1e3
    );
}
