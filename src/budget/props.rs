//! Property tests: the 类/款/项 split and the sums.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::lines::{amount_of, code_levels};
use super::reconcile::{evaluate, Rule, Term};

fn term(raw: &str) -> Term {
    Term {
        line: 0,
        table: 0,
        row: 0,
        col: 0,
        amount: amount_of(raw, Some("万元"), 0, 0).ok().flatten(),
    }
}

/// Cents to a printed 万元 amount with separators ("1,463.84").
fn print(cents: u64) -> String {
    let int = (cents / 100).to_string();
    let mut g = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            g.push(',');
        }
        g.push(ch);
    }
    format!("{g}.{:02}", cents % 100)
}

proptest! {
    #[test]
    fn code_levels_join_back_to_the_code(lei in 100u32..999, kuan in 0u32..99, xiang in 0u32..99, depth in 0usize..3) {
        let code = match depth {
            0 => format!("{lei}"),
            1 => format!("{lei}{kuan:02}"),
            _ => format!("{lei}{kuan:02}{xiang:02}"),
        };
        let levels = code_levels(&code);
        prop_assert_eq!(levels.len(), depth + 1);
        prop_assert_eq!(levels.concat(), code.clone());
        prop_assert_eq!(levels[0].len(), 3);
        prop_assert!(levels[1..].iter().all(|l| l.len() == 2));
    }

    #[test]
    fn a_printed_sum_passes_and_one_changed_digit_fails_with_that_cell_suggested(
        parts in proptest::collection::vec(1u64..10_000_000, 2..12),
        which in any::<prop::sample::Index>(),
        pos in 0usize..4,
        bump in 1u8..9,
    ) {
        let total: u64 = parts.iter().sum();
        let printed: Vec<String> = parts.iter().map(|&c| print(c)).collect();
        let ok = evaluate(Rule::TotalSum, "t".into(), term(&print(total)), printed.iter().map(|p| term(p)).collect()).unwrap();
        prop_assert!(ok.ok);
        prop_assert_eq!(ok.diff, Decimal::ZERO);

        // Change one digit (not a separator or point) of one part, as a misreading would.
        let i = which.index(parts.len());
        let raw = &printed[i];
        let digit_positions: Vec<usize> = raw.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(k, _)| k).collect();
        let k = digit_positions[digit_positions.len() - 1 - pos.min(digit_positions.len() - 1)];
        let old = raw.as_bytes()[k] - b'0';
        let new = (old + bump) % 10;
        // A leading zero would not be printed.
        prop_assume!(!(k == 0 && new == 0));
        let mut changed = raw.clone().into_bytes();
        changed[k] = b'0' + new;
        let changed = String::from_utf8(changed).unwrap();
        let mut terms: Vec<Term> = printed.iter().map(|p| term(p)).collect();
        terms[i] = term(&changed);
        let bad = evaluate(Rule::TotalSum, "t".into(), term(&print(total)), terms).unwrap();
        // A change in the last two digits of a long sum may hide inside the rounding tolerance
        // (one unit of the last decimal per term); anything larger must be caught.
        let tolerance = (parts.len() as i64 + 1) as u64;
        let delta = (new as i64 - old as i64).unsigned_abs() * 10u64.pow(pos.min(digit_positions.len() - 1) as u32);
        if delta > tolerance {
            prop_assert!(!bad.ok);
            prop_assert!(bad.candidates.iter().any(|(t, v)| *t == i + 1 && v == raw), "{:?} {}", bad.candidates, raw);
        }
    }
}
