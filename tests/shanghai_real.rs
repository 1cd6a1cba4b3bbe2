//! Extraction over the real born-digital disclosures in /work/shared/real (read at run time,
//! never copied): the five Wanli 2023 财政项目支出绩效目标填报表 become `performance_target`
//! records, and the budget-table pages listed in the directory's README yield titled tables with
//! units. Skips cleanly when the directory or models/libpdfium.so is absent.

use std::path::{Path, PathBuf};

use jixiao::config::Config;
use jixiao::digital;
use jixiao::extract::{extract_document, Extracted};
use jixiao::ir::Document;
use jixiao::model::{FundKey, Period};
use sha2::{Digest, Sha256};

fn setup() -> Option<Config> {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if !models.join("libpdfium.so").exists() || !Path::new("/work/shared/real").is_dir() {
        eprintln!("skipped: no models/libpdfium.so or /work/shared/real");
        return None;
    }
    let mut cfg = Config::default();
    cfg.ocr.models_dir = models;
    Some(cfg)
}

fn extract(cfg: &Config, name: &str) -> Option<Extracted> {
    let path = PathBuf::from("/work/shared/real").join(name);
    let bytes = std::fs::read(&path).ok()?;
    let (pages, _) = digital::split(digital::read_pdf(&path, &bytes, cfg).ok()?);
    let doc = Document {
        path: path.clone(),
        display_path: path.display().to_string(),
        sha256: format!("{:x}", Sha256::digest(&bytes)),
        pages,
    };
    Some(extract_document(&doc))
}

fn yuan(set: &Option<jixiao::model::FundSet>, k: FundKey) -> Option<String> {
    set.as_ref()?
        .get(&k)?
        .as_ref()
        .and_then(|n| serde_json::to_string(n).ok())
}

#[test]
fn wanli_2023_tianbao_forms() {
    let Some(cfg) = setup() else { return };
    let Some(ex) = extract(&cfg, "shanghai-putuo-wanli-2023-budget.pdf") else {
        eprintln!("skipped: file missing");
        return;
    };
    let forms: Vec<_> = ex
        .records
        .iter()
        .filter(|r| r.title.as_deref() == Some("财政项目支出绩效目标填报表"))
        .collect();
    assert_eq!(forms.len(), 5, "five 填报表 on pages 31–35");
    let pages: Vec<u32> = forms.iter().map(|r| r.source.pages[0]).collect();
    assert_eq!(pages, vec![31, 32, 33, 34, 35]);
    let counts: Vec<usize> = forms.iter().map(|r| r.indicators.len()).collect();
    assert_eq!(counts, vec![5, 4, 4, 43, 9]);
    for r in &forms {
        assert_eq!(r.kind, "performance_target");
        assert_eq!(r.fiscal_year, Some(2023));
        assert_eq!(r.funds.declared_unit.as_deref(), Some("元"));
        assert!(r.project.category.is_some() && r.project.attribute.is_some());
        assert_eq!(r.project.start_date.as_deref(), Some("2023-01-01"));
        assert_eq!(r.project.end_date.as_deref(), Some("2023-12-31"));
        // Wraps are joined; a break after a full stop stays one space (as `vocab::tidy` does).
        assert!(r
            .goals
            .midterm
            .as_deref()
            .is_some_and(|g| !g.contains('\n') && !g.contains("  ")));
        assert!(r.goals.annual.is_some());
        assert!(r.indicators.iter().all(|i| i.period == Period::Annual));
        assert!(yuan(&r.funds.annual, FundKey::Carryover).is_some());
    }
    let f = forms[0];
    assert_eq!(
        yuan(&f.funds.midterm, FundKey::Total).as_deref(),
        Some("4100000")
    );
    assert_eq!(
        yuan(&f.funds.annual, FundKey::Fiscal).as_deref(),
        Some("4100000")
    );
    let v = serde_json::to_string(&f.indicators[0].value).unwrap_or_default();
    assert!(v.contains("13459") && v.contains("平方米"), "{v}");
    // Printed as is: this form's 当年财政拨款 exceeds its total, which check flags.
    assert_eq!(
        yuan(&forms[4].funds.annual, FundKey::Fiscal).as_deref(),
        Some("11419043")
    );
}

#[test]
fn listed_budget_table_pages_are_titled_tables_with_units() {
    let Some(cfg) = setup() else { return };
    let listed: [(&str, &[u32]); 6] = [
        ("shanghai-putuo-wanli-2023-budget.pdf", &[10, 19, 28]),
        ("shanghai-putuo-wanli-2024-budget.pdf", &[10, 21, 31]),
        ("shanghai-putuo-justice-2026-budget.pdf", &[10, 14]),
        (
            "shanghai-putuo-social-work-2024-final-account.pdf",
            &[5, 10],
        ),
        ("jiangsu-cppcc-office-2019-budget-tables.pdf", &[1, 2]),
        ("jiangsu-npc-office-2019-budget-tables.pdf", &[1, 2]),
    ];
    for (name, pages) in listed {
        let Some(ex) = extract(&cfg, name) else {
            eprintln!("skipped: {name} missing");
            continue;
        };
        for &p in pages {
            let t = ex
                .tables
                .iter()
                .find(|t| t.source.pages.first() == Some(&p))
                .unwrap_or_else(|| panic!("{name} p{p}: no table"));
            let title = t.title.as_deref().unwrap_or("");
            assert!(title.ends_with('表'), "{name} p{p}: title {title:?}");
            assert!(
                matches!(t.unit.as_deref(), Some("元" | "万元")),
                "{name} p{p}: unit {:?}",
                t.unit
            );
            // The final account names its department only inside a heading line, not labelled.
            if !name.contains("final-account") {
                assert!(t.department.is_some(), "{name} p{p}: no department");
            }
        }
    }
}
