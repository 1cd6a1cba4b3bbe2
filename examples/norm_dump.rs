//! Review aid: prints how normalise reads every distinct cell of the given text files.
//! `cargo run --example norm_dump -- levels|values|clean FILE...`.
use std::collections::BTreeSet;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((mode, files)) = args.split_first() else {
        eprintln!("usage: norm_dump levels|values|clean FILE...");
        return;
    };
    let mut cells = BTreeSet::new();
    for f in files {
        let Ok(t) = std::fs::read_to_string(f) else {
            continue;
        };
        for line in t.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            if mode == "values" {
                // The 指标值 is the last non-empty field of an indicator row.
                if let Some(v) = fields.iter().rev().find(|s| !s.trim().is_empty()) {
                    cells.insert(v.trim().to_string());
                }
            } else {
                for c in fields {
                    cells.insert(c.trim().to_string());
                }
            }
        }
    }
    for c in cells {
        match mode.as_str() {
            "clean" => println!("{c}\n  → {}", jixiao::normalise::clean_text(&c)),
            "levels" => {
                let l1 = jixiao::normalise::canonical_level1(&c);
                let l2 = jixiao::normalise::canonical_level2(&c);
                if l1.is_some() || l2.is_some() {
                    println!("{c}\t{l1:?}\t{l2:?}");
                }
            }
            _ => {
                if c.chars().count() > 40 {
                    continue;
                }
                let v = jixiao::normalise::parse_value(&c);
                println!("{c}\t{}", serde_json::to_string(&v).unwrap_or_default());
            }
        }
    }
}
