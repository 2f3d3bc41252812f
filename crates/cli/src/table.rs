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
        widen(&mut widths, row.as_ref());
    }
    rows.iter()
        .map(|row| aligned_line(row.as_ref(), &widths))
        .collect()
}

/// Grow `widths` to hold `cells` (characters, not bytes).
pub fn widen(widths: &mut Vec<usize>, cells: &[String]) {
    if widths.len() < cells.len() {
        widths.resize(cells.len(), 0);
    }
    for (w, cell) in widths.iter_mut().zip(cells) {
        *w = (*w).max(cell.chars().count());
    }
}

/// One line of an aligned table: each cell padded to its column's width, two spaces apart,
/// trailing spaces trimmed, newline-terminated.
pub fn aligned_line(cells: &[String], widths: &[usize]) -> String {
    let line: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, w)| format!("{cell:<w$}"))
        .collect();
    let mut out = line.join("  ").trim_end().to_owned();
    out.push('\n');
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
