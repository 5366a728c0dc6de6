//! Print what fettle's detector decides for each file named on the command
//! line; with `--explain ENCODING`, the characters that cost most when the
//! file is decoded with ENCODING (`FETTLE_DEBUG_DETECT=1` also prints the
//! candidate costs).
use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let explain = args
        .iter()
        .position(|a| a == "--explain")
        .map(|i| encoding_rs::Encoding::for_label(args[i + 1].as_bytes()).expect("encoding"));
    for path in args.iter().filter(|a| std::path::Path::new(a).is_file()) {
        let bytes = std::fs::read(path).unwrap();
        println!("{path}: {:?}", fettle::decode::sniff(&bytes));
        if let Some(enc) = explain {
            let text = enc.decode_without_bom_handling(&bytes).0;
            let mut by_char: HashMap<char, (usize, f32)> = HashMap::new();
            for (c, cost) in fettle::decode::plausible::char_costs(&text) {
                let e = by_char.entry(c).or_default();
                e.0 += 1;
                e.1 += cost;
            }
            let mut v: Vec<_> = by_char.into_iter().filter(|x| x.1 .1 != 0.0).collect();
            v.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
            for (c, (n, cost)) in v.iter().take(15) {
                println!("  {c:?} U+{:04X} x{n} cost {cost:.1}", *c as u32);
            }
        }
    }
}
