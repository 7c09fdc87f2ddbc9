//! `mpgd stats`: read a design and print what it holds (counts, die, routing layers).
//!
//! Stats is descriptive, so a component whose master no LEF defines is counted (with a warning)
//! rather than refused: gf180mcu/efuse_ctrl ships without the LEF of its `efuse_array` macros.

use crate::design::{Design, MasterKind, MissingMasters};
use crate::lefdef::def::PlacementStatus;
use crate::lefdef::lef::Direction;
use serde::Serialize;
use std::time::Instant;

/// Arguments of `mpgd stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub design: super::DesignArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// What `mpgd stats --json` prints. The first seven fields are a contract (SPEC.md).
#[derive(Debug, Serialize)]
pub struct Stats {
    pub design: String,
    pub components: usize,
    pub nets: usize,
    pub net_pins: usize,
    pub io_pins: usize,
    pub dbu_per_micron: i64,
    pub die_um: [f64; 4],
    pub layers: Vec<LayerStats>,
    pub placed: usize,
    pub fixed: usize,
    pub logic_cells: usize,
    pub physical_cells: usize,
    pub block_macros: usize,
    pub max_net_degree: usize,
    pub routed_nets: usize,
    pub special_nets: usize,
    pub rows: usize,
    pub masters_used: usize,
    pub missing_masters: usize,
    pub obstruction_rects: usize,
    pub has_gcell_grid: bool,
    pub warnings: usize,
    pub read_seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct LayerStats {
    pub name: String,
    pub direction: &'static str,
    pub pitch_um: f64,
}

impl Stats {
    /// Counts what the design holds.
    pub fn of(d: &Design, read_seconds: f64) -> Stats {
        let count_status =
            |s: PlacementStatus| d.instances.iter().filter(|i| i.status == s).count();
        let count_kind = |k: MasterKind| {
            d.instances
                .iter()
                .filter(|i| d.masters[i.master as usize].kind == k)
                .count()
        };
        let mut used = vec![false; d.masters.len()];
        for i in &d.instances {
            used[i.master as usize] = true;
        }
        Stats {
            design: d.name.clone(),
            components: d.instances.len(),
            nets: d.nets.len(),
            net_pins: d.net_pins.len(),
            io_pins: d.io_pins.len(),
            dbu_per_micron: d.dbu_per_micron,
            die_um: [
                d.um(d.die.lo.x),
                d.um(d.die.lo.y),
                d.um(d.die.hi.x),
                d.um(d.die.hi.y),
            ],
            layers: d
                .layers
                .iter()
                .map(|l| LayerStats {
                    name: l.name.clone(),
                    direction: match l.direction {
                        Direction::Horizontal => "horizontal",
                        Direction::Vertical => "vertical",
                    },
                    pitch_um: d.um(l.preferred_pitch()),
                })
                .collect(),
            placed: count_status(PlacementStatus::Placed),
            fixed: count_status(PlacementStatus::Fixed),
            logic_cells: count_kind(MasterKind::Core),
            physical_cells: count_kind(MasterKind::Physical),
            block_macros: count_kind(MasterKind::Block),
            max_net_degree: d
                .nets
                .iter()
                .map(|n| (n.pins.end - n.pins.start) as usize)
                .max()
                .unwrap_or(0),
            routed_nets: d.nets.iter().filter(|n| n.routed_in_def).count(),
            special_nets: d.special_net_count,
            rows: d.rows.len(),
            masters_used: used.iter().filter(|&&u| u).count(),
            missing_masters: d.masters.iter().filter(|m| m.missing).count(),
            obstruction_rects: d.obstructions.iter().map(Vec::len).sum(),
            has_gcell_grid: d.gcell_grid.is_some(),
            warnings: d.warnings.len(),
            read_seconds,
        }
    }

    /// A human-readable table.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let [x0, y0, x1, y1] = self.die_um;
        let _ = writeln!(s, "design          {}", self.design);
        let _ = writeln!(
            s,
            "die (um)        ({x0}, {y0}) - ({x1}, {y1})   {:.2} x {:.2}",
            x1 - x0,
            y1 - y0
        );
        let _ = writeln!(s, "dbu per micron  {}", self.dbu_per_micron);
        let _ = writeln!(
            s,
            "components      {} ({} placed, {} fixed; {} logic, {} physical-only, {} block macros)",
            self.components,
            self.placed,
            self.fixed,
            self.logic_cells,
            self.physical_cells,
            self.block_macros
        );
        let _ = writeln!(
            s,
            "nets            {} ({} net pins, max degree {}, {} with routed wiring)",
            self.nets, self.net_pins, self.max_net_degree, self.routed_nets
        );
        let _ = writeln!(s, "io pins         {}", self.io_pins);
        let _ = writeln!(s, "special nets    {}", self.special_nets);
        let _ = writeln!(s, "rows            {}", self.rows);
        let _ = writeln!(
            s,
            "masters used    {}{}",
            self.masters_used,
            if self.missing_masters > 0 {
                format!(" ({} without LEF)", self.missing_masters)
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            s,
            "obstructions    {} rectangles on routing layers",
            self.obstruction_rects
        );
        let _ = writeln!(s, "routing layers  {}", self.layers.len());
        for l in &self.layers {
            let _ = writeln!(
                s,
                "  {:<10} {:<10} pitch {:.4} um",
                l.name, l.direction, l.pitch_um
            );
        }
        let _ = writeln!(s, "read in         {:.3} s", self.read_seconds);
        s
    }
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let t = Instant::now();
    let design = a.design.load_with(MissingMasters::Warn)?;
    let stats = Stats::of(&design, t.elapsed().as_secs_f64());
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        out!("{}", stats.table());
    }
    // The process ends next: freeing the model item by item would only cost time.
    std::mem::forget(design);
    Ok(())
}
