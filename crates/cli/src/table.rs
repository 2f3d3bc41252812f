//! Aligned text tables: left-aligned columns two spaces apart, trailing blanks trimmed — the
//! `text` format of `summary`, `points` and `nodes`.

/// A number with `digits` decimals for a table cell, `-` when missing or not finite.
pub fn number(x: Option<f64>, digits: usize) -> String {
    x.filter(|v| v.is_finite())
        .map_or("-".into(), |v| format!("{v:.digits$}"))
}

/// Render `rows` (the header first) with every column as wide as its widest cell.
pub fn aligned<R: AsRef<[String]>>(rows: &[R]) -> String {
    let columns = rows.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .as_ref()
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let rows = [
            ["A".to_string(), "BB".into(), "C".into()],
            ["long".to_string(), "x".into(), String::new()],
        ];
        assert_eq!(super::aligned(&rows), "A     BB  C\nlong  x\n");
    }
}
