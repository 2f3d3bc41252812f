//! Run filters and selection of the sidebar, as plain data with the filtering rules, so they are
//! tested without a browser. Cascading: each filter's options come from the runs that pass the
//! filters before it. A run with an empty field is matched by the `(none)` option, which every
//! filter offers and selects by default — no run silently disappears. Tags combine with AND.

use std::collections::{BTreeMap, BTreeSet};

use runlens_core::model::Run;
use runlens_core::Dataset;

/// The option standing for "this run has no value here".
pub const NONE: &str = "(none)";

/// The four value filters, in cascade order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    GpuType,
    Topology,
    IslOsl,
    Container,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::GpuType,
        Field::Topology,
        Field::IslOsl,
        Field::Container,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Field::GpuType => "GPU type",
            Field::Topology => "Topology",
            Field::IslOsl => "ISL/OSL",
            Field::Container => "Container",
        }
    }

    /// The field whose [`key`](Self::key) this is.
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            Field::GpuType => "gpu",
            Field::Topology => "topo",
            Field::IslOsl => "islosl",
            Field::Container => "container",
        }
    }

    pub fn value_of(self, run: &Run) -> String {
        let v = match self {
            Field::GpuType => run.gpu_type.as_ref().map(|g| g.value.clone()),
            Field::Topology => run.topology.as_ref().map(|t| t.value.label()),
            Field::IslOsl => run.isl_osl_label(),
            Field::Container => run.container_label(),
        };
        v.filter(|s| !s.is_empty())
            .unwrap_or_else(|| NONE.to_owned())
    }
}

/// Most tags a user adds to one run (see [`Filters::add_tag`]).
pub const MAX_TAGS_PER_RUN: usize = 50;
/// Longest tag a user adds, in characters.
pub const MAX_TAG_CHARS: usize = 64;
/// Most runs the hash carries tags for.
pub const MAX_TAGGED_RUNS: usize = 10_000;

/// Why a tag was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagRefused {
    TooLong,
    TooMany,
}

/// What a tags file did: runs it named that are loaded, and tags left out by the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TagsImported {
    pub runs: usize,
    pub too_long: usize,
    pub too_many: usize,
}

impl std::fmt::Display for TagsImported {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "Tags of {} loaded runs imported.", self.runs)?;
        if self.too_many > 0 {
            write!(
                f,
                " {} tags beyond {MAX_TAGS_PER_RUN} per run were left out.",
                self.too_many
            )?;
        }
        if self.too_long > 0 {
            write!(
                f,
                " {} tags longer than {MAX_TAG_CHARS} characters were left out.",
                self.too_long
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Per field: the values left out (empty = everything shown, so new values appear).
    pub excluded: BTreeMap<Field, BTreeSet<String>>,
    /// Runs must carry all of these tags.
    pub tags: BTreeSet<String>,
    /// Inclusive `YYYY-MM-DD` bounds on the run date (runs without a date always pass).
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Inclusive bounds on the points' concurrency.
    pub concurrency_min: Option<u32>,
    pub concurrency_max: Option<u32>,
    /// Run keys unticked in the run list.
    pub deselected: BTreeSet<String>,
    /// Tags added in this browser, per run key (the metadata's own tags are kept too).
    pub extra_tags: BTreeMap<String, Vec<String>>,
    /// Tags removed in this browser, per run key.
    pub removed_tags: BTreeMap<String, Vec<String>>,
}

impl Filters {
    /// The run's tags after this browser's edits.
    pub fn tags_of(&self, run: &Run) -> Vec<String> {
        let removed = self.removed_tags.get(&run.key);
        let mut tags: Vec<String> = run
            .tags
            .iter()
            .filter(|t| removed.is_none_or(|r| !r.contains(t)))
            .cloned()
            .collect();
        for t in self.extra_tags.get(&run.key).into_iter().flatten() {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags
    }

    /// Tag a run. Tags live in the URL hash and in the sidebar's tag filter, so a run holds at
    /// most [`MAX_TAGS_PER_RUN`] added tags of at most [`MAX_TAG_CHARS`] characters: a huge
    /// tags file must not freeze the page (nor, through the hash, every reload after it).
    pub fn add_tag(&mut self, run_key: &str, tag: &str) -> Result<(), TagRefused> {
        let tag = tag.trim();
        if tag.is_empty() {
            return Ok(());
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(TagRefused::TooLong);
        }
        if let Some(r) = self.removed_tags.get_mut(run_key) {
            r.retain(|t| t != tag);
        }
        let extra = self.extra_tags.entry(run_key.to_owned()).or_default();
        if extra.iter().any(|t| t == tag) {
            return Ok(());
        }
        if extra.len() >= MAX_TAGS_PER_RUN {
            return Err(TagRefused::TooMany);
        }
        extra.push(tag.to_owned());
        Ok(())
    }

    /// The same tags with the bounds of [`Filters::add_tag`] applied (tags read from a hash).
    pub fn bounded_tags(
        map: BTreeMap<String, Vec<String>>,
        max_runs: usize,
    ) -> BTreeMap<String, Vec<String>> {
        map.into_iter()
            .take(max_runs)
            .map(|(run, tags)| {
                let mut kept: Vec<String> = Vec::new();
                for t in tags {
                    if kept.len() < MAX_TAGS_PER_RUN
                        && t.chars().count() <= MAX_TAG_CHARS
                        && !kept.contains(&t)
                    {
                        kept.push(t);
                    }
                }
                (run, kept)
            })
            .collect()
    }

    pub fn remove_tag(&mut self, run_key: &str, tag: &str) {
        if let Some(e) = self.extra_tags.get_mut(run_key) {
            e.retain(|t| t != tag);
        }
        let removed = self.removed_tags.entry(run_key.to_owned()).or_default();
        if !removed.iter().any(|t| t == tag) {
            removed.push(tag.to_owned());
        }
    }

    fn passes_field(&self, field: Field, run: &Run) -> bool {
        self.excluded
            .get(&field)
            .is_none_or(|ex| !ex.contains(&field.value_of(run)))
    }

    fn passes_rest(&self, run: &Run) -> bool {
        let date = run
            .date
            .as_ref()
            .map(|d| d.value.get(..10).unwrap_or(&d.value).to_owned());
        let tags = self.tags_of(run);
        self.tags.iter().all(|t| tags.contains(t))
            && date.as_ref().is_none_or(|d| {
                self.date_from.as_ref().is_none_or(|f| d >= f)
                    && self.date_to.as_ref().is_none_or(|t| d <= t)
            })
    }

    /// Options of `field` given the filters before it, with how many runs carry each.
    pub fn options(&self, ds: &Dataset, field: Field) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for run in ds.runs.iter().filter(|r| {
            Field::ALL
                .iter()
                .take_while(|f| **f != field)
                .all(|f| self.passes_field(*f, r))
        }) {
            *counts.entry(field.value_of(run)).or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// Runs that pass every filter (selected or not), newest first.
    pub fn matching<'a>(&self, ds: &'a Dataset) -> Vec<&'a Run> {
        let mut runs: Vec<&Run> = ds
            .runs
            .iter()
            .filter(|r| Field::ALL.iter().all(|f| self.passes_field(*f, r)) && self.passes_rest(r))
            .collect();
        runs.sort_by(|a, b| {
            b.date
                .as_ref()
                .map(|d| &d.value)
                .cmp(&a.date.as_ref().map(|d| &d.value))
                .then_with(|| b.job_id.value.cmp(&a.job_id.value))
        });
        runs
    }

    /// The dataset the result tabs show: matching, ticked runs, with this browser's tags and
    /// only the points inside the concurrency range; skipped runs, files and diagnostics are
    /// kept. Worker logs are shared, not copied; the scheduler and P2P analyses are left out
    /// (their tabs read the whole dataset).
    pub fn apply(&self, ds: &Dataset) -> Dataset {
        let keep: Vec<Run> = self
            .matching(ds)
            .into_iter()
            .filter(|r| !self.deselected.contains(&r.key))
            .map(|r| {
                let mut r = r.clone();
                r.tags = self.tags_of(&r);
                r.points.retain(|p| {
                    p.concurrency.is_none_or(|c| {
                        self.concurrency_min.is_none_or(|m| c >= m)
                            && self.concurrency_max.is_none_or(|m| c <= m)
                    })
                });
                r
            })
            .collect();
        Dataset {
            runs: keep,
            skipped: ds.skipped.clone(),
            unrecognized: ds.unrecognized.clone(),
            diagnostics: ds.diagnostics.clone(),
            worker_logs: ds.worker_logs.clone(),
            node_configs: ds.node_configs.clone(),
            scheduler: Vec::new(),
            p2p: Vec::new(),
            input_bytes: ds.input_bytes,
            files_seen: ds.files_seen,
        }
    }

    /// Tags of every run with edits, as the JSON file users export and import:
    /// `{"<job id>": ["tag", …], …}`.
    pub fn tags_json(&self, ds: &Dataset) -> String {
        let map: BTreeMap<String, Vec<String>> = ds
            .runs
            .iter()
            .map(|r| (r.job_id.value.clone(), self.tags_of(r)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        serde_json::to_string_pretty(&map).unwrap_or_default()
    }

    /// Apply an exported tags file; returns how many runs it named that are loaded.
    pub fn import_tags(&mut self, ds: &Dataset, json: &str) -> Result<TagsImported, String> {
        let map: BTreeMap<String, Vec<String>> =
            serde_json::from_str(json).map_err(|e| format!("not a tags file: {e}"))?;
        let mut done = TagsImported::default();
        for run in &ds.runs {
            if let Some(tags) = map.get(&run.job_id.value) {
                for t in tags {
                    match self.add_tag(&run.key, t) {
                        Ok(()) => {}
                        Err(TagRefused::TooLong) => done.too_long += 1,
                        Err(TagRefused::TooMany) => done.too_many += 1,
                    }
                }
                done.runs += 1;
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    #[test]
    fn containers_are_offered_as_the_dashboard_names_them() {
        let bytes = std::fs::read(format!(
            "{}/../fixtures/demo/demo-runs.tar.gz",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut ingest = Ingest::new();
        ingest.add_bytes("demo.tar.gz", &bytes);
        let ds = ingest.dataset();
        let names: Vec<String> = Filters::default()
            .options(&ds, Field::Container)
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(names.contains(&"sglang-v0.5.4".to_owned()), "{names:?}");
        assert!(!names.iter().any(|n| n.contains(".sqsh")), "{names:?}");
    }

    fn generations() -> Dataset {
        let bytes = std::fs::read(format!(
            "{}/../fixtures/generations/generations.tar.gz",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut ingest = Ingest::new();
        ingest.add_bytes("g.tar.gz", &bytes);
        ingest.dataset()
    }

    #[test]
    fn empty_fields_are_an_option_and_never_hidden() {
        let ds = generations();
        let f = Filters::default();
        assert_eq!(f.matching(&ds).len(), ds.runs.len());
        let gpus: Vec<String> = f
            .options(&ds, Field::GpuType)
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(
            gpus.contains(&NONE.to_owned()),
            "G0 run 1001 has no GPU type: {gpus:?}"
        );
        let mut f = Filters::default();
        f.excluded
            .entry(Field::GpuType)
            .or_default()
            .insert("gb200".into());
        let left: Vec<&str> = f
            .matching(&ds)
            .iter()
            .map(|r| r.job_id.value.as_str())
            .collect();
        assert!(
            left.contains(&"1001"),
            "the run without a GPU type stays: {left:?}"
        );
        assert!(!left.contains(&"3003"));
        // Cascade: topology options only from runs that passed the GPU filter.
        let topologies: Vec<String> = f
            .options(&ds, Field::Topology)
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(!topologies.contains(&"1P/2D".to_owned()) || left.contains(&"1001"));
    }

    #[test]
    fn tags_and_concurrency_range() {
        let ds = generations();
        let mut f = Filters::default();
        let g1 = ds
            .runs
            .iter()
            .find(|r| r.job_id.value == "2002")
            .unwrap()
            .key
            .clone();
        f.add_tag(&g1, "nightly").unwrap();
        f.add_tag(&g1, "nightly").unwrap();
        f.tags.insert("baseline".into());
        f.tags.insert("nightly".into());
        let left = f.apply(&ds);
        assert_eq!(left.runs.len(), 1, "AND of two tags");
        assert_eq!(
            left.runs[0].tags,
            vec!["baseline", "nightly"],
            "no duplicate"
        );
        f.remove_tag(&g1, "baseline");
        assert!(f.apply(&ds).runs.is_empty());
        let mut f = Filters {
            concurrency_min: Some(16),
            concurrency_max: Some(32),
            ..Default::default()
        };
        f.deselected.insert(g1);
        let ds2 = f.apply(&ds);
        assert!(ds2.runs.iter().all(|r| r
            .points
            .iter()
            .all(|p| (16..=32).contains(&p.concurrency.unwrap()))));
        assert!(!ds2.runs.iter().any(|r| r.job_id.value == "2002"));
    }

    #[test]
    fn tags_file_round_trip() {
        let ds = generations();
        let mut f = Filters::default();
        let key = ds.runs[0].key.clone();
        f.add_tag(&key, "a").unwrap();
        let json = f.tags_json(&ds);
        let mut g = Filters::default();
        assert!(g.import_tags(&ds, &json).unwrap().runs >= 1);
        assert!(g.tags_of(&ds.runs[0]).contains(&"a".to_owned()));
        assert!(g.import_tags(&ds, "[1]").is_err());
    }

    #[test]
    fn a_huge_tags_file_is_bounded_and_says_what_it_left_out() {
        let ds = generations();
        let job = ds.runs[0].job_id.value.clone();
        // 200 000 tags for one run, and one absurdly long: about 2 MB.
        let mut tags: Vec<String> = (0..200_000).map(|i| format!("t{i}")).collect();
        tags.push("x".repeat(1000));
        let json = serde_json::to_string(&BTreeMap::from([(job, tags)])).unwrap();
        let mut f = Filters::default();
        let done = f.import_tags(&ds, &json).unwrap();
        assert_eq!(
            done,
            TagsImported {
                runs: 1,
                too_long: 1,
                too_many: 200_000 - MAX_TAGS_PER_RUN
            }
        );
        assert_eq!(f.tags_of(&ds.runs[0]).len(), MAX_TAGS_PER_RUN);
        assert_eq!(
            f.add_tag(&ds.runs[0].key, "one more"),
            Err(TagRefused::TooMany)
        );
        // The same bounds on tags that come back from a URL hash.
        let huge = BTreeMap::from([("r".to_owned(), (0..1000).map(|i| i.to_string()).collect())]);
        assert_eq!(
            Filters::bounded_tags(huge, MAX_TAGGED_RUNS)["r"].len(),
            MAX_TAGS_PER_RUN
        );
    }
}
