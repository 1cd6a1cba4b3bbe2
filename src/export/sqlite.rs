//! `OUT/jixiao.sqlite`: the run as relational tables with keys and indexes, so one `SELECT …
//! JOIN …` answers questions across records ("all 满意度 indicators below 90 % in 2024").
//! Written to a temporary file beside it and renamed, so a reader never sees half a database.
//!
//! Tables: `records`, `funds`, `indicators`, `tables`, `cells`, `pages`, `warnings` and, when
//! the run wrote `budget_lines.jsonl`, `budget_lines`. Amounts are in yuan (REAL), dates ISO
//! text (`YYYY-MM-DD`, what SQLite's date functions read).

use std::path::Path;

use rusqlite::{params, Connection};
use rust_decimal::prelude::ToPrimitive;

use super::{export_err, RecordOut};
use crate::error::Result;
use crate::model::Period;
use crate::normalise::Num;
use crate::warning::WarningAt;

const SCHEMA: &str = r#"
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  source_path TEXT NOT NULL,
  sha256 TEXT,
  first_page INTEGER,
  pages TEXT,
  title TEXT,
  fiscal_year INTEGER,
  project_name TEXT,
  department_code TEXT,
  department TEXT,
  implementer TEXT,
  attribute TEXT,
  origin TEXT,
  term TEXT,
  category TEXT,
  start_date TEXT,
  end_date TEXT,
  declared_unit TEXT,
  goal_midterm TEXT,
  goal_annual TEXT,
  midterm_span TEXT,
  n_indicators INTEGER NOT NULL,
  n_warnings INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE funds (
  record_id TEXT NOT NULL REFERENCES records(id),
  period TEXT NOT NULL,
  key TEXT NOT NULL,
  amount_yuan REAL,
  PRIMARY KEY (record_id, period, key)
);
CREATE TABLE indicators (
  record_id TEXT NOT NULL REFERENCES records(id),
  idx INTEGER NOT NULL,
  period TEXT NOT NULL,
  level1 TEXT,
  level2 TEXT,
  level2_code TEXT,
  name TEXT NOT NULL,
  name_raw TEXT NOT NULL,
  value_raw TEXT NOT NULL,
  op TEXT,
  number REAL,
  unit TEXT,
  date TEXT,
  kind TEXT,
  table_id TEXT,
  page INTEGER,
  row INTEGER,
  col INTEGER,
  PRIMARY KEY (record_id, idx)
);
CREATE TABLE tables (
  id TEXT PRIMARY KEY,
  source_path TEXT NOT NULL,
  sha256 TEXT,
  page INTEGER,
  title TEXT,
  unit TEXT,
  department TEXT,
  n_rows INTEGER NOT NULL,
  n_cols INTEGER NOT NULL
);
CREATE TABLE cells (
  table_id TEXT NOT NULL REFERENCES tables(id),
  row INTEGER NOT NULL,
  col INTEGER NOT NULL,
  rowspan INTEGER NOT NULL,
  colspan INTEGER NOT NULL,
  text TEXT NOT NULL,
  conf REAL NOT NULL,
  x0 REAL, y0 REAL, x1 REAL, y1 REAL,
  PRIMARY KEY (table_id, row, col)
);
CREATE TABLE pages (
  source_path TEXT NOT NULL,
  page INTEGER NOT NULL,
  sha256 TEXT,
  page_source TEXT,
  status TEXT,
  why TEXT,
  width_px INTEGER,
  height_px INTEGER,
  dpi REAL,
  skew_deg REAL,
  mean_conf REAL,
  text TEXT NOT NULL,
  PRIMARY KEY (source_path, page)
);
CREATE TABLE warnings (
  id INTEGER PRIMARY KEY,
  record_id TEXT REFERENCES records(id),
  source_path TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  page INTEGER,
  field TEXT,
  indicator INTEGER,
  table_id TEXT,
  row INTEGER,
  col INTEGER
);
CREATE INDEX indicators_level2 ON indicators(level2);
CREATE INDEX indicators_name ON indicators(name);
CREATE INDEX records_year ON records(fiscal_year);
CREATE INDEX records_source ON records(source_path);
CREATE INDEX tables_source ON tables(source_path, page);
CREATE INDEX warnings_code ON warnings(code);
CREATE INDEX warnings_record ON warnings(record_id);
CREATE INDEX warnings_cell ON warnings(table_id, row, col);
"#;

fn num(n: &Option<Num>) -> Option<f64> {
    n.as_ref().and_then(|n| n.0.to_f64())
}

fn insert_warning(
    tx: &rusqlite::Transaction<'_>,
    record_id: Option<&str>,
    source: &str,
    w: &WarningAt,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO warnings (record_id, source_path, code, message, page, field, indicator, table_id, row, col)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            record_id,
            source,
            w.code.as_str(),
            w.message,
            w.page,
            w.field,
            w.indicator.map(|n| n as i64),
            w.table,
            w.row.map(|n| n as i64),
            w.col.map(|n| n as i64),
        ],
    )?;
    Ok(())
}

/// Writes the database at `path` from the run's outputs in `out`.
pub fn write(path: &Path, out: &Path, records: &[RecordOut]) -> Result<()> {
    let tmp = path.with_extension("sqlite.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut db = Connection::open(&tmp).map_err(sql_err)?;
    // A fresh file written once: no journal needed, the rename is the commit.
    db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        .map_err(sql_err)?;
    db.execute_batch(SCHEMA).map_err(sql_err)?;
    let tx = db.transaction().map_err(sql_err)?;
    for ro in records {
        insert_record(&tx, ro)?;
    }
    insert_tables(&tx, out)?;
    insert_pages(&tx, out)?;
    let lines = super::read_budget_lines(out)?;
    if !lines.is_empty() {
        write_objects(&tx, "budget_lines", &lines).map_err(sql_err)?;
    }
    tx.commit().map_err(sql_err)?;
    db.close().map_err(|(_, x)| sql_err(x))?;
    std::fs::rename(&tmp, path).map_err(|x| crate::error::Error::io(path, x))?;
    Ok(())
}

/// A SQLite error as the export's.
fn sql_err(x: rusqlite::Error) -> crate::error::Error {
    export_err("sqlite", x)
}

/// One record into `records` (with its JSON), its amounts into `funds`, its indicators into
/// `indicators` and its typed warnings into `warnings`.
fn insert_record(tx: &rusqlite::Transaction<'_>, ro: &RecordOut) -> Result<()> {
    let r = &ro.record;
    let p = &r.project;
    let json = serde_json::to_string(r).map_err(|x| export_err("sqlite", x))?;
    let pages = crate::emit::pages_list(&r.source.pages);
    tx.execute(
        "INSERT INTO records VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24)",
        params![
            r.id,
            r.source.path,
            r.source.sha256,
            r.source.pages.first(),
            pages,
            r.title,
            r.fiscal_year,
            p.name,
            p.department_code,
            p.department,
            p.implementer,
            p.attribute,
            p.origin,
            p.term,
            p.category,
            p.start_date,
            p.end_date,
            r.funds.declared_unit,
            r.goals.midterm,
            r.goals.annual,
            r.goals.midterm_span,
            r.indicators.len() as i64,
            r.warnings.len() as i64,
            json,
        ],
    )
    .map_err(sql_err)?;
    for (period, set) in [
        (Period::Midterm, &r.funds.midterm),
        (Period::Annual, &r.funds.annual),
    ] {
        for (k, v) in set.iter().flatten() {
            let key = k.as_str();
            tx.execute(
                "INSERT INTO funds VALUES (?1,?2,?3,?4)",
                params![r.id, period.as_str(), key, num(v)],
            )
            .map_err(sql_err)?;
        }
    }
    for (k, i) in r.indicators.iter().enumerate() {
        let v = i.value.as_ref();
        tx.execute(
            "INSERT INTO indicators VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
            params![
                r.id,
                (k + 1) as i64,
                i.period.as_str(),
                i.level1,
                i.level2,
                i.level2_code,
                i.name,
                i.name_raw,
                i.value_raw,
                v.and_then(|v| v.op).map(crate::emit::op_str),
                v.and_then(|v| v.number.as_ref()).and_then(|n| n.0.to_f64()),
                v.and_then(|v| v.unit.clone()),
                v.and_then(|v| v.date.clone()),
                v.map(|v| crate::emit::kind_str(v.kind)),
                i.cell.as_ref().map(|c| c.table.clone()),
                i.cell.as_ref().map(|c| c.page),
                i.cell.as_ref().map(|c| c.row as i64),
                i.cell.as_ref().map(|c| c.col as i64),
            ],
        )
        .map_err(sql_err)?;
    }
    for w in &ro.warnings_at {
        insert_warning(tx, Some(&r.id), &r.source.path, w).map_err(sql_err)?;
    }
    Ok(())
}

/// Every table of `tables.jsonl` into `tables` and its cells into `cells`, streamed.
fn insert_tables(tx: &rusqlite::Transaction<'_>, out: &Path) -> Result<()> {
    let mut t_ins = tx
        .prepare("INSERT OR REPLACE INTO tables VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")
        .map_err(sql_err)?;
    let mut c_ins = tx
        .prepare("INSERT OR REPLACE INTO cells VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")
        .map_err(sql_err)?;
    super::for_each_table(out, |t| {
        t_ins
            .execute(params![
                t.id,
                t.source.path,
                t.source.sha256,
                t.source.pages.first(),
                t.title,
                t.unit,
                t.department,
                t.n_rows as i64,
                t.n_cols as i64,
            ])
            .map_err(sql_err)?;
        for c in &t.cells {
            let b = c.bbox;
            c_ins
                .execute(params![
                    t.id,
                    c.row as i64,
                    c.col as i64,
                    c.rowspan as i64,
                    c.colspan as i64,
                    c.text,
                    c.conf as f64,
                    b.map(|b| b[0] as f64),
                    b.map(|b| b[1] as f64),
                    b.map(|b| b[2] as f64),
                    b.map(|b| b[3] as f64),
                ])
                .map_err(sql_err)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Every page of `pages.jsonl` into `pages` and its typed warnings into `warnings`, streamed.
fn insert_pages(tx: &rusqlite::Transaction<'_>, out: &Path) -> Result<()> {
    let mut p_ins = tx
        .prepare("INSERT OR REPLACE INTO pages VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)")
        .map_err(sql_err)?;
    super::for_each_page(out, |po| {
        let p = &po.page;
        p_ins
            .execute(params![
                p.source.path,
                p.source.pages.first(),
                p.source.sha256,
                p.page_source.as_ref().and_then(json_str),
                json_str(&p.status),
                p.why,
                p.width_px,
                p.height_px,
                p.dpi.map(f64::from),
                p.skew_deg.map(f64::from),
                p.mean_conf.map(f64::from),
                p.text,
            ])
            .map_err(sql_err)?;
        for w in &po.warnings_at {
            insert_warning(tx, None, &p.source.path, w).map_err(sql_err)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// A table of JSON objects (columns: their keys; numbers as REAL, nested values as JSON text).
fn write_objects(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> rusqlite::Result<()> {
    let cols = super::object_columns(rows);
    let quoted: Vec<String> = cols
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect();
    tx.execute_batch(&format!("CREATE TABLE {name} ({});", quoted.join(", ")))?;
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let mut ins = tx.prepare(&format!("INSERT INTO {name} VALUES ({})", marks.join(",")))?;
    for r in rows {
        let vals: Vec<rusqlite::types::Value> =
            cols.iter().map(|c| json_to_sql(r.get(c))).collect();
        ins.execute(rusqlite::params_from_iter(vals))?;
    }
    Ok(())
}

fn json_to_sql(v: Option<&serde_json::Value>) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    use serde_json::Value as J;
    match v {
        None | Some(J::Null) => V::Null,
        Some(J::Bool(b)) => V::Integer(*b as i64),
        Some(J::Number(n)) => n
            .as_i64()
            .map(V::Integer)
            .or_else(|| n.as_f64().map(V::Real))
            .unwrap_or(V::Null),
        Some(J::String(s)) => V::Text(s.clone()),
        Some(other) => V::Text(other.to_string()),
    }
}

/// An enum value as its JSON string ("born-digital", "ok").
fn json_str<T: serde::Serialize>(v: &T) -> Option<String> {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_become_a_table_with_their_keys_as_columns() {
        let db = Connection::open_in_memory().unwrap();
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = [
            serde_json::json!({"a": 1, "b": "x"}),
            serde_json::json!({"b": "y", "c": 2.5, "d": [1]}),
        ]
        .into_iter()
        .map(|v| v.as_object().unwrap().clone())
        .collect();
        let mut db = db;
        let tx = db.transaction().unwrap();
        write_objects(&tx, "budget_lines", &rows).unwrap();
        let got: (Option<i64>, String, Option<f64>, Option<String>) = tx
            .query_row(
                "SELECT a, b, c, d FROM budget_lines WHERE b = 'y'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(got, (None, "y".into(), Some(2.5), Some("[1]".into())));
    }
}
