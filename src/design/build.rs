//! Building the design model from parsed LEF and DEF: resolve every name once, apply every
//! transform once.
//!
//! LEF values (microns) are converted to the DEF's DBU with rounding. LEF files are merged in the
//! order given; a macro or layer defined twice keeps its first definition (as OpenROAD's reader
//! does) and the repeat is reported as a warning.

use super::*;
use crate::geom::Transform;
use crate::lefdef::def::{self, Def};
use crate::lefdef::lef::{self, Geom, LayerType, Lef};
use rayon::prelude::*;
use std::path::Path;

/// The builder's name maps: lookups only (never iterated), so a fast, well-mixed hash with a fixed
/// seed is enough (foldhash; std's SipHash cost about 6% of reading efuse_ctrl).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// What to do about a component whose master no LEF defines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingMasters {
    /// Stop with an error naming the master and the component.
    #[default]
    Error,
    /// Keep the component as a zero-size black box and record a warning.
    Warn,
}

/// Choices made while building.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    pub missing_masters: MissingMasters,
    /// Keep the routed wiring of regular nets as [`Design::net_wiring`] (a routed DEF reads
    /// slower with it; routing needs it to leave pre-routed nets as they are, as grt does).
    pub net_wiring: bool,
}

/// Reads the files (LEFs in parallel with each other and with the DEF) and builds the design.
pub fn load(input: &DesignInput) -> Result<Design, Error> {
    if input.lefs.is_empty() {
        return Err(Error::Resolve {
            file: input.def.clone(),
            message: "no LEF file given".into(),
        });
    }
    let (lefs, def) = rayon::join(
        || {
            input
                .lefs
                .par_iter()
                .map(|p| crate::lefdef::read_lef(p).map(|(l, w)| (p.clone(), l, w)))
                .collect::<Result<Vec<_>, _>>()
        },
        || read_def(&input.def, input.options.net_wiring),
    );
    let lefs = lefs?;
    let (def, def_warnings) = def?;
    let mut warnings: Vec<String> = Vec::new();
    for (_, _, ws) in &lefs {
        warnings.extend(ws.iter().map(located));
    }
    warnings.extend(def_warnings.iter().map(located));
    let lef_refs: Vec<(&Path, &Lef)> = lefs.iter().map(|(p, l, _)| (p.as_path(), l)).collect();
    let mut design = from_parsed_owned(&lef_refs, def, &input.def, input.options)?;
    warnings.append(&mut design.warnings);
    design.warnings = warnings;
    Ok(design)
}

/// Reads a DEF, keeping the regular nets' wiring when asked.
fn read_def(
    path: &Path,
    net_wiring: bool,
) -> Result<(Def, Vec<crate::lefdef::Warning>), crate::lefdef::Error> {
    if !net_wiring {
        return crate::lefdef::read_def(path);
    }
    let text = crate::lefdef::read_text(path)?;
    let opts = def::ParseOptions {
        keep_net_wiring: true,
    };
    def::parse_with(&text, path, opts)
}

/// A reader's warning as `file:line:col: message`: whoever shows the design's warnings says
/// "warning" once (`mpgd: warning: ...`).
fn located(w: &crate::lefdef::Warning) -> String {
    format!(
        "{}:{}:{}: {}",
        w.path.display(),
        w.line,
        w.column,
        w.message
    )
}

/// Builds the design from already parsed files. `def_path` names the DEF in errors.
pub fn from_parsed(
    lefs: &[(&Path, &Lef)],
    def: &Def,
    def_path: &Path,
    options: BuildOptions,
) -> Result<Design, Error> {
    let names = def.components.iter().map(|c| c.name.clone()).collect();
    build(lefs, def, names, def_path, options)
}

/// [`from_parsed`], taking the DEF by value: the instance names move into the design instead of
/// being copied (110k names on gf180mcu/efuse_ctrl).
pub fn from_parsed_owned(
    lefs: &[(&Path, &Lef)],
    mut def: Def,
    def_path: &Path,
    options: BuildOptions,
) -> Result<Design, Error> {
    let names = def
        .components
        .iter_mut()
        .map(|c| std::mem::take(&mut c.name))
        .collect();
    build(lefs, &def, names, def_path, options)
}

/// The build, in steps: layers, vias, masters, instances, IO pins, nets, obstructions, tracks,
/// rows. `instance_names` are the component names, in order (the components' own may be gone).
fn build(
    lefs: &[(&Path, &Lef)],
    def: &Def,
    instance_names: Vec<String>,
    def_path: &Path,
    options: BuildOptions,
) -> Result<Design, Error> {
    let dbu = def.dbu_per_micron as i64;
    if dbu <= 0 {
        return Err(resolve_err(
            def_path,
            "the DEF has no positive UNITS DISTANCE MICRONS".into(),
        ));
    }
    let units = Units(dbu);
    let mut warnings = Vec::new();
    let (names, mut layers) = resolve_layers(lefs, units, &mut warnings)?;
    add_default_vias(lefs, &names, &mut layers, units);
    let vias = via_shapes(lefs, def, def_path, &names, units)?;
    let (mut masters, mut master_index) =
        resolve_masters(lefs, &names, &vias, units, &mut warnings)?;
    let instances = place_instances(
        def,
        instance_names,
        def_path,
        options,
        &mut masters,
        &mut master_index,
        &mut warnings,
    )?;
    let die = Rect::bounding(def.die_area.iter().copied()).unwrap_or_default();
    let (mut io_pins, io_index) = place_io_pins(def, def_path, &names, die, &mut warnings)?;
    let comp_index = component_index(&instances);
    add_black_box_pins(def, &comp_index, &instances, &mut masters);
    // Nets and obstructions read the same model and write different parts: built side by side.
    let (nets, obstructions) = rayon::join(
        || {
            let io = (io_pins.as_mut_slice(), &io_index);
            resolve_nets(def, def_path, &comp_index, &instances, &masters, io)
        },
        || collect_obstructions(def, def_path, &names, &layers, &instances, &masters, &vias),
    );
    let (nets, net_pins, net_warnings) = nets?;
    warnings.extend(net_warnings);
    let (obstructions, placement_blockages) = obstructions?;
    let net_wiring = net_wiring_rects(def, def_path, &names, &layers, &vias)?;
    add_tracks(def, def_path, &names, &mut layers)?;
    let rows = place_rows(lefs, def, def_path, units)?;
    let core = rows
        .iter()
        .map(|r| r.bbox)
        .reduce(|a, b| a.union(&b))
        .unwrap_or(die);
    Ok(Design {
        name: def.design.clone(),
        dbu_per_micron: dbu,
        die,
        die_polygon: def.die_area.clone(),
        core,
        layers,
        masters,
        instances,
        io_pins,
        nets,
        net_pins,
        obstructions,
        net_wiring,
        rows,
        gcell_grid: gcell_grid(&def.gcell_grid),
        placement_blockages,
        special_net_count: def.special_nets.len(),
        warnings,
    })
}

/// A name-resolution error in a file.
fn resolve_err(file: &Path, message: String) -> Error {
    Error::Resolve {
        file: file.to_path_buf(),
        message,
    }
}

/// The DEF's database units per micron: LEF microns become DBU with rounding.
#[derive(Clone, Copy)]
struct Units(i64);

impl Units {
    fn dbu(self, v: f64) -> Dbu {
        (v * self.0 as f64).round() as Dbu
    }
}

/// Every LEF layer name: `Some(id)` for a routing layer, `None` for another layer.
struct LayerNames<'a>(HashMap<&'a str, Option<LayerId>>);

impl LayerNames<'_> {
    /// `Ok(Some(id))` for a routing layer, `Ok(None)` for another known layer, an error naming
    /// the user for an unknown one.
    fn resolve(
        &self,
        name: &str,
        file: &Path,
        user: &dyn Fn() -> String,
    ) -> Result<Option<LayerId>, Error> {
        self.0
            .get(name)
            .copied()
            .ok_or_else(|| resolve_err(file, format!("unknown layer '{name}' used by {}", user())))
    }
}

/// Layers: every LEF layer name is known; routing layers get ids bottom to top.
fn resolve_layers<'a>(
    lefs: &[(&Path, &'a Lef)],
    units: Units,
    warnings: &mut Vec<String>,
) -> Result<(LayerNames<'a>, Vec<RoutingLayer>), Error> {
    let mut all_layers: HashMap<&str, Option<LayerId>> = HashMap::default();
    let mut layers: Vec<RoutingLayer> = Vec::new();
    for (path, lef) in lefs {
        for l in &lef.layers {
            if all_layers.contains_key(l.name.as_str()) {
                warnings.push(format!(
                    "{}: layer '{}' is defined again; the first definition is kept",
                    path.display(),
                    l.name
                ));
                continue;
            }
            let id = if l.kind == LayerType::Routing {
                if layers.len() >= LayerId::MAX as usize {
                    return Err(resolve_err(
                        path,
                        format!("too many routing layers (at most {})", LayerId::MAX),
                    ));
                }
                layers.push(routing_layer(l, layers.len(), units));
                Some((layers.len() - 1) as LayerId)
            } else {
                None
            };
            all_layers.insert(l.name.as_str(), id);
        }
    }
    Ok((LayerNames(all_layers), layers))
}

/// One LEF routing layer in DBU; without a DIRECTION, layers alternate from horizontal.
fn routing_layer(l: &lef::Layer, index: usize, units: Units) -> RoutingLayer {
    let direction = l.direction.unwrap_or(if index.is_multiple_of(2) {
        lef::Direction::Horizontal
    } else {
        lef::Direction::Vertical
    });
    RoutingLayer {
        name: l.name.clone(),
        direction,
        pitch: l
            .pitch
            .map_or((0, 0), |(x, y)| (units.dbu(x), units.dbu(y))),
        offset: l.offset.map(|(x, y)| (units.dbu(x), units.dbu(y))),
        width: l.width.map_or(0, |v| units.dbu(v)),
        spacing: l.spacing.map_or(0, |v| units.dbu(v)),
        max_spacing: l.max_spacing.map_or(0, |v| units.dbu(v)),
        default_via_metal: None,
        tracks_x: Vec::new(),
        tracks_y: Vec::new(),
    }
}

/// Each routing layer's default via metal ([`RoutingLayer::default_via_metal`]), as OpenDB's
/// `dbBlock::getDefaultVias` picks the via when none has the `OR_DEFAULT` property (mpgd does not
/// read via properties): for each bottom layer, the first LEF via (in file order, the first
/// definition of a name) whose lowest layer in LEF order it is; the size of that via's first
/// rectangle on it. A via whose bottom layer is not a routing layer (a contact from poly) is
/// skipped.
fn add_default_vias(
    lefs: &[(&Path, &Lef)],
    names: &LayerNames,
    layers: &mut [RoutingLayer],
    units: Units,
) {
    let mut order: HashMap<&str, usize> = HashMap::default();
    for (_, lef) in lefs {
        for l in &lef.layers {
            let n = order.len();
            order.entry(l.name.as_str()).or_insert(n);
        }
    }
    let mut seen: HashSet<&str> = HashSet::default();
    for (_, lef) in lefs {
        for v in &lef.vias {
            if !seen.insert(v.name.as_str()) {
                continue;
            }
            let Some(bottom) = v
                .shapes
                .iter()
                .filter_map(|s| order.get(s.layer.as_str()).map(|&o| (o, s)))
                .min_by_key(|(o, _)| *o)
                .map(|(_, s)| s.layer.as_str())
            else {
                continue;
            };
            let Some(Some(id)) = names.0.get(bottom) else {
                continue;
            };
            let layer = &mut layers[*id as usize];
            if layer.default_via_metal.is_some() {
                continue;
            }
            let first = v
                .shapes
                .iter()
                .filter(|s| s.layer == bottom)
                .flat_map(|s| geom_rects(&s.geom, |x| units.dbu(x)))
                .next();
            if let Some(r) = first {
                layer.default_via_metal = Some((r.width(), r.height()));
            }
        }
    }
}

/// Metal shapes of each via by name.
type ViaShapes<'a> = HashMap<&'a str, Vec<(LayerId, Rect)>>;

/// Vias (LEF and DEF) as metal shapes, for special-net wiring and LEF via references. A DEF
/// generated via has the metal its rule parameters give.
fn via_shapes<'a>(
    lefs: &[(&Path, &'a Lef)],
    def: &'a Def,
    def_path: &Path,
    names: &LayerNames,
    units: Units,
) -> Result<ViaShapes<'a>, Error> {
    let mut via_shapes: ViaShapes = HashMap::default();
    for (path, lef) in lefs {
        for v in &lef.vias {
            let mut shapes = Vec::new();
            for s in &v.shapes {
                if let Some(id) = names.resolve(&s.layer, path, &|| format!("via '{}'", v.name))? {
                    shapes.extend(
                        geom_rects(&s.geom, |x| units.dbu(x))
                            .into_iter()
                            .map(|r| (id, r)),
                    );
                }
            }
            via_shapes.entry(v.name.as_str()).or_insert(shapes);
        }
    }
    for v in &def.vias {
        let mut shapes = Vec::new();
        let generated = v.rule.as_ref().map(|p| p.metal_rects());
        for (layer, r) in v.shapes.iter().chain(generated.iter().flatten()) {
            if let Some(id) = names.resolve(layer, def_path, &|| format!("via '{}'", v.name))? {
                shapes.push((id, *r));
            }
        }
        via_shapes.insert(v.name.as_str(), shapes);
    }
    Ok(via_shapes)
}

/// Masters from the LEF macros, the first definition of a name kept.
fn resolve_masters(
    lefs: &[(&Path, &Lef)],
    names: &LayerNames,
    vias: &ViaShapes,
    units: Units,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Master>, HashMap<String, u32>), Error> {
    let mut masters: Vec<Master> = Vec::new();
    let mut master_index: HashMap<String, u32> = HashMap::default();
    for (path, lef) in lefs {
        for m in &lef.macros {
            if master_index.contains_key(&m.name) {
                warnings.push(format!(
                    "{}: macro '{}' is defined again; the first definition is kept",
                    path.display(),
                    m.name
                ));
                continue;
            }
            master_index.insert(m.name.clone(), masters.len() as u32);
            masters.push(master(m, path, names, vias, units)?);
        }
    }
    Ok((masters, master_index))
}

/// One LEF macro as a master: size, pins and OBS in DBU relative to its origin.
fn master(
    m: &lef::Macro,
    path: &Path,
    names: &LayerNames,
    vias: &ViaShapes,
    units: Units,
) -> Result<Master, Error> {
    let (w, h) = (units.dbu(m.size.0), units.dbu(m.size.1));
    if w < 0 || h < 0 {
        return Err(resolve_err(
            path,
            format!("macro '{}' has a negative SIZE", m.name),
        ));
    }
    let origin = (units.dbu(m.origin.0), units.dbu(m.origin.1));
    let mut pins = Vec::with_capacity(m.pins.len());
    for p in &m.pins {
        let mut shapes = Vec::new();
        for port in &p.ports {
            shapes.extend(macro_shapes(
                &port.shapes,
                origin,
                path,
                names,
                vias,
                units,
                &|| format!("pin '{}' of macro '{}'", p.name, m.name),
            )?);
        }
        pins.push(MasterPin {
            name: p.name.clone(),
            direction: p.direction.clone(),
            use_: p.use_.clone(),
            shapes,
        });
    }
    let obs = macro_shapes(&m.obs, origin, path, names, vias, units, &|| {
        format!("OBS of macro '{}'", m.name)
    })?;
    Ok(Master {
        name: m.name.clone(),
        class: m.class.clone(),
        kind: master_kind(m.class.as_deref()),
        width: w,
        height: h,
        pins,
        obs,
        missing: false,
    })
}

/// The routing-layer rectangles of LEF shapes (via references expanded to their metal), shifted
/// by the macro's ORIGIN.
fn macro_shapes(
    shapes: &[lef::Shape],
    (ox, oy): (Dbu, Dbu),
    path: &Path,
    names: &LayerNames,
    vias: &ViaShapes,
    units: Units,
    what: &dyn Fn() -> String,
) -> Result<Vec<(LayerId, Rect)>, Error> {
    let mut out = Vec::new();
    for s in shapes {
        if let Geom::Via { name, at } = &s.geom {
            let at = (units.dbu(at.0) + ox, units.dbu(at.1) + oy);
            if let Some(vs) = vias.get(name.as_str()) {
                out.extend(vs.iter().map(|(l, r)| (*l, r.translate(at.0, at.1))));
            }
            continue;
        }
        if let Some(id) = names.resolve(&s.layer, path, what)? {
            out.extend(
                geom_rects(&s.geom, |x| units.dbu(x))
                    .into_iter()
                    .map(|r| (id, r.translate(ox, oy))),
            );
        }
    }
    Ok(out)
}

/// Instances from the DEF components; a master no LEF defines is an error, or (when the options
/// say so) a zero-size black box with a warning.
fn place_instances(
    def: &Def,
    names: Vec<String>,
    def_path: &Path,
    options: BuildOptions,
    masters: &mut Vec<Master>,
    master_index: &mut HashMap<String, u32>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Instance>, Error> {
    let mut missing: Vec<String> = Vec::new();
    let mut instances = Vec::with_capacity(def.components.len());
    for (c, name) in def.components.iter().zip(names) {
        let mi = match master_index.get(c.master.as_str()) {
            Some(&i) => i,
            None => {
                if options.missing_masters == MissingMasters::Error {
                    return Err(resolve_err(
                        def_path,
                        format!(
                            "component '{name}' uses master '{}', which no LEF file defines",
                            c.master
                        ),
                    ));
                }
                missing.push(c.master.clone());
                let i = masters.len() as u32;
                master_index.insert(c.master.clone(), i);
                masters.push(Master {
                    name: c.master.clone(),
                    class: None,
                    kind: MasterKind::Other,
                    width: 0,
                    height: 0,
                    pins: Vec::new(),
                    obs: Vec::new(),
                    missing: true,
                });
                i
            }
        };
        let m = &masters[mi as usize];
        let bbox = Transform::new(c.location, c.orient, m.width, m.height).placed_box();
        instances.push(Instance {
            name,
            master: mi,
            status: c.status,
            location: c.location,
            orient: c.orient,
            bbox,
            halo: c.halo,
        });
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "{}: {} master(s) defined by no LEF file ({}); their components are kept as zero-size black boxes",
            def_path.display(),
            missing.len(),
            missing.join(", ")
        ));
    }
    Ok(instances)
}

/// IO pins with absolute shapes (a port's shapes are relative to its placement point and
/// oriented), and their index by name.
fn place_io_pins<'a>(
    def: &'a Def,
    def_path: &Path,
    names: &LayerNames,
    die: Rect,
    warnings: &mut Vec<String>,
) -> Result<(Vec<IoPin>, HashMap<&'a str, u32>), Error> {
    let mut io_pins = Vec::with_capacity(def.pins.len());
    let mut io_index: HashMap<&str, u32> =
        HashMap::with_capacity_and_hasher(def.pins.len(), Default::default());
    let mut outside = 0usize;
    for p in &def.pins {
        let shapes = io_pin_shapes(p, def_path, names)?;
        if shapes.iter().any(|(_, r)| r.intersection(&die).is_none()) {
            outside += 1;
        }
        io_index.insert(p.name.as_str(), io_pins.len() as u32);
        io_pins.push(IoPin {
            name: p.name.clone(),
            net: None,
            direction: p.direction.clone(),
            use_: p.use_.clone(),
            shapes,
        });
    }
    if outside > 0 {
        warnings.push(format!(
            "{}: {outside} IO pin(s) lie at least partly outside the die area",
            def_path.display()
        ));
    }
    Ok((io_pins, io_index))
}

/// The placed shapes of one DEF pin's ports.
fn io_pin_shapes(
    p: &def::Pin,
    def_path: &Path,
    names: &LayerNames,
) -> Result<Vec<(LayerId, Rect)>, Error> {
    let mut shapes = Vec::new();
    for port in &p.ports {
        let (at, orient) = port
            .placement
            .map_or((Point::default(), Orient::N), |(_, at, o)| (at, o));
        let t = Transform::new(at, orient, 0, 0);
        let user = || format!("pin '{}'", p.name);
        for (layer, r) in &port.layer_shapes {
            if let Some(id) = names.resolve(layer, def_path, &user)? {
                shapes.push((id, t.apply_rect(r)));
            }
        }
        for (layer, poly) in &port.polygons {
            if let Some(id) = names.resolve(layer, def_path, &user)? {
                let placed: Vec<Point> = poly.iter().map(|q| t.apply(*q)).collect();
                shapes.extend(polygon::to_rects(&placed).into_iter().map(|r| (id, r)));
            }
        }
    }
    Ok(shapes)
}

/// Instance index by name.
fn component_index(instances: &[Instance]) -> HashMap<&str, u32> {
    instances
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i as u32))
        .collect()
}

/// A master no LEF defines (a black box) gains each pin that a net connects to, in the order nets
/// name them.
fn add_black_box_pins(
    def: &Def,
    comp_index: &HashMap<&str, u32>,
    instances: &[Instance],
    masters: &mut [Master],
) {
    if !masters.iter().any(|m| m.missing) {
        return;
    }
    for c in def.nets.iter().flat_map(|n| &n.connections) {
        if c.is_io() {
            continue;
        }
        let Some(&ci) = comp_index.get(c.component.as_str()) else {
            continue;
        };
        let m = &mut masters[instances[ci as usize].master as usize];
        if m.missing && !m.pins.iter().any(|p| p.name == c.pin) {
            m.pins.push(MasterPin {
                name: c.pin.clone(),
                direction: None,
                use_: None,
                shapes: Vec::new(),
            });
        }
    }
}

/// The nets, their pins, and warnings.
type ResolvedNets = (Vec<Net>, Vec<NetPin>, Vec<String>);

/// Nets: every connection resolved to an instance pin or an IO pin.
fn resolve_nets(
    def: &Def,
    def_path: &Path,
    comp_index: &HashMap<&str, u32>,
    instances: &[Instance],
    masters: &[Master],
    (io_pins, io_index): (&mut [IoPin], &HashMap<&str, u32>),
) -> Result<ResolvedNets, Error> {
    let mut warnings = Vec::new();
    let mut nets = Vec::with_capacity(def.nets.len());
    let mut net_pins = Vec::with_capacity(def.nets.iter().map(|n| n.connections.len()).sum());
    for (ni, n) in def.nets.iter().enumerate() {
        let start = net_pins.len() as u32;
        for c in &n.connections {
            if c.is_io() {
                // OpenDB creates a terminal without shapes for such a pin (`definNet::connection`);
                // nothing can route to it, so it is left off the net, with a warning.
                let Some(&pi) = io_index.get(c.pin.as_str()) else {
                    warnings.push(format!(
                        "{}: net '{}' connects to IO pin '{}', which PINS does not define: \
                         left off the net (it has no shape)",
                        def_path.display(),
                        n.name,
                        c.pin
                    ));
                    continue;
                };
                io_pins[pi as usize].net = Some(ni as u32);
                net_pins.push(NetPin::Io(pi));
                continue;
            }
            let Some(&ci) = comp_index.get(c.component.as_str()) else {
                return Err(resolve_err(
                    def_path,
                    format!(
                        "net '{}' connects to component '{}', which COMPONENTS does not define",
                        n.name, c.component
                    ),
                ));
            };
            let pin = master_pin(
                &masters[instances[ci as usize].master as usize],
                c,
                n,
                def_path,
            )?;
            net_pins.push(NetPin::Inst { inst: ci, pin });
        }
        nets.push(Net {
            name: n.name.clone(),
            use_: n.use_.clone(),
            pins: start..net_pins.len() as u32,
            routed_in_def: n.has_wiring,
        });
    }
    Ok((nets, net_pins, warnings))
}

/// The index of a connection's pin on its master (a black box has them all, see
/// [`add_black_box_pins`]).
fn master_pin(
    m: &Master,
    c: &def::Connection,
    n: &def::Net,
    def_path: &Path,
) -> Result<u32, Error> {
    match m.pins.iter().position(|p| p.name == c.pin) {
        Some(p) => Ok(p as u32),
        None => Err(resolve_err(
            def_path,
            format!(
                "net '{}' connects to pin '{}' of component '{}', but master '{}' has no such pin",
                n.name, c.pin, c.component, m.name
            ),
        )),
    }
}

/// Routing obstructions per layer: macro OBS of every instance, then special-net wiring, then
/// routing blockages; and the placement blockages.
#[allow(clippy::type_complexity)]
fn collect_obstructions(
    def: &Def,
    def_path: &Path,
    names: &LayerNames,
    layers: &[RoutingLayer],
    instances: &[Instance],
    masters: &[Master],
    vias: &ViaShapes,
) -> Result<(Vec<Vec<Obstruction>>, Vec<Rect>), Error> {
    let mut obstructions: Vec<Vec<Obstruction>> = vec![Vec::new(); layers.len()];
    add_macro_obstructions(&mut obstructions, instances, masters);
    add_special_wiring(&mut obstructions, def, def_path, names, layers, vias)?;
    let mut placement_blockages = Vec::new();
    for b in &def.blockages {
        let mut rects = b.rects.clone();
        for p in &b.polygons {
            rects.extend(polygon::to_rects(p));
        }
        match &b.layer {
            Some(layer) => {
                if let Some(id) =
                    names.resolve(layer, def_path, &|| "a routing blockage".to_string())?
                {
                    obstructions[id as usize].extend(rects.into_iter().map(|rect| Obstruction {
                        rect,
                        source: ObstructionSource::RoutingBlockage,
                    }));
                }
            }
            None => placement_blockages.extend(rects),
        }
    }
    Ok((obstructions, placement_blockages))
}

/// Every instance's macro OBS, placed, in instance order; each layer's list is sized first so that
/// it grows once.
fn add_macro_obstructions(
    obstructions: &mut [Vec<Obstruction>],
    instances: &[Instance],
    masters: &[Master],
) {
    let mut per_layer = vec![0usize; obstructions.len()];
    for inst in instances {
        for (l, _) in &masters[inst.master as usize].obs {
            per_layer[*l as usize] += 1;
        }
    }
    for (list, n) in obstructions.iter_mut().zip(per_layer) {
        list.reserve(n);
    }
    for inst in instances {
        let m = &masters[inst.master as usize];
        if m.obs.is_empty() {
            continue;
        }
        let t = Transform::new(inst.location, inst.orient, m.width, m.height);
        for (l, r) in &m.obs {
            obstructions[*l as usize].push(Obstruction {
                rect: t.apply_rect(r),
                source: ObstructionSource::MacroObs,
            });
        }
    }
}

/// Special-net wiring: path rectangles (at least the layer's width), via metal at each via
/// point, and the 5.8 `+ RECT` / `+ POLYGON` shapes.
fn add_special_wiring(
    obstructions: &mut [Vec<Obstruction>],
    def: &Def,
    def_path: &Path,
    names: &LayerNames,
    layers: &[RoutingLayer],
    vias: &ViaShapes,
) -> Result<(), Error> {
    let mut push = |l: LayerId, rect: Rect| {
        obstructions[l as usize].push(Obstruction {
            rect,
            source: ObstructionSource::SpecialWiring,
        })
    };
    for sn in &def.special_nets {
        let user = || format!("special net '{}'", sn.name);
        for w in &sn.wiring {
            if let Some(id) = names.resolve(&w.layer, def_path, &user)? {
                for r in path_rects(&w.points, w.width.max(layers[id as usize].width)) {
                    push(id, r);
                }
            }
            for (via, at) in &w.vias {
                for (l, r) in vias.get(via.as_str()).into_iter().flatten() {
                    push(*l, r.translate(at.x, at.y));
                }
            }
        }
        for (layer, r) in &sn.shapes {
            if let Some(id) = names.resolve(layer, def_path, &user)? {
                push(id, *r);
            }
        }
    }
    Ok(())
}

/// Regular nets' routed wiring as grt sees it (`findNetsObstructions`): each path segment at
/// the layer's width, extended by half of it at both ends, and the metal of each via. Empty when
/// the DEF was read without the wiring.
fn net_wiring_rects(
    def: &Def,
    def_path: &Path,
    names: &LayerNames,
    layers: &[RoutingLayer],
    vias: &ViaShapes,
) -> Result<Vec<Vec<Rect>>, Error> {
    let mut out: Vec<Vec<Rect>> = vec![Vec::new(); layers.len()];
    for n in def.nets.iter().filter(|n| !n.wiring.is_empty()) {
        let user = || format!("the wiring of net '{}'", n.name);
        for w in &n.wiring {
            if let Some(id) = names.resolve(&w.layer, def_path, &user)? {
                out[id as usize].extend(path_rects(&w.points, layers[id as usize].width));
            }
            for (via, at) in &w.vias {
                for (l, r) in vias.get(via.as_str()).into_iter().flatten() {
                    out[*l as usize].push(r.translate(at.x, at.y));
                }
            }
        }
    }
    Ok(out)
}

/// DEF TRACKS onto their routing layers.
fn add_tracks(
    def: &Def,
    def_path: &Path,
    names: &LayerNames,
    layers: &mut [RoutingLayer],
) -> Result<(), Error> {
    for t in &def.tracks {
        for layer in &t.layers {
            if let Some(id) = names.resolve(layer, def_path, &|| "TRACKS".to_string())? {
                let pat = TrackPattern {
                    start: t.start,
                    num: t.num,
                    step: t.step,
                };
                match t.axis {
                    def::Axis::X => layers[id as usize].tracks_x.push(pat),
                    def::Axis::Y => layers[id as usize].tracks_y.push(pat),
                }
            }
        }
    }
    Ok(())
}

/// Rows, with the box their sites cover.
fn place_rows(
    lefs: &[(&Path, &Lef)],
    def: &Def,
    def_path: &Path,
    units: Units,
) -> Result<Vec<Row>, Error> {
    let mut sites: HashMap<&str, (Dbu, Dbu)> = HashMap::default();
    for (_, lef) in lefs {
        for s in &lef.sites {
            sites
                .entry(s.name.as_str())
                .or_insert((units.dbu(s.size.0), units.dbu(s.size.1)));
        }
    }
    let mut rows = Vec::with_capacity(def.rows.len());
    for r in &def.rows {
        let Some(&(sw, sh)) = sites.get(r.site.as_str()) else {
            return Err(resolve_err(
                def_path,
                format!(
                    "row '{}' uses site '{}', which no LEF file defines",
                    r.name, r.site
                ),
            ));
        };
        let (site_w, site_h) = if r.orient.swaps_axes() {
            (sh, sw)
        } else {
            (sw, sh)
        };
        let span = |n: i64, step: Dbu, site: Dbu| {
            if n > 1 {
                (n - 1).saturating_mul(step).saturating_add(site)
            } else {
                site
            }
        };
        let w = span(r.num_x.max(1), r.step_x, site_w);
        let h = span(r.num_y.max(1), r.step_y, site_h);
        rows.push(Row {
            name: r.name.clone(),
            site: r.site.clone(),
            origin: r.origin,
            orient: r.orient,
            num_x: r.num_x,
            num_y: r.num_y,
            step_x: r.step_x,
            step_y: r.step_y,
            bbox: Rect::new(r.origin.x, r.origin.y, r.origin.x + w, r.origin.y + h),
        });
    }
    Ok(rows)
}

/// The grid lines of a DEF GCELLGRID (`None` when there is none).
fn gcell_grid(lines: &[def::GCellGridLine]) -> Option<DefGCellGrid> {
    let axis = |a: def::Axis| {
        let mut v: Vec<Dbu> = lines
            .iter()
            .filter(|l| l.axis == a)
            .flat_map(|l| (0..l.num.clamp(0, 1 << 20)).map(move |i| l.start + i * l.step))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (x_lines, y_lines) = (axis(def::Axis::X), axis(def::Axis::Y));
    (x_lines.len() >= 2 && y_lines.len() >= 2).then_some(DefGCellGrid { x_lines, y_lines })
}

/// Rectangles of a LEF shape (a via reference has none of its own).
fn geom_rects(g: &Geom, to_dbu: impl Fn(f64) -> Dbu) -> Vec<Rect> {
    match g {
        Geom::Rect([x0, y0, x1, y1]) => vec![Rect::new(
            to_dbu(*x0),
            to_dbu(*y0),
            to_dbu(*x1),
            to_dbu(*y1),
        )],
        Geom::Polygon(pts) => {
            let pts: Vec<Point> = pts
                .iter()
                .map(|&(x, y)| Point::new(to_dbu(x), to_dbu(y)))
                .collect();
            polygon::to_rects(&pts)
        }
        Geom::Via { .. } => Vec::new(),
    }
}

/// The rectangles a routed path covers: each straight segment widened by half the width on each
/// side and extended by half the width at both ends (DEF's default end style). A lone point
/// (`met3 0 ( x y ) VIA`) only places its via: OpenDB makes no wire for it, so neither do we.
pub(crate) fn path_rects(points: &[Point], width: Dbu) -> Vec<Rect> {
    let h = width / 2;
    points
        .windows(2)
        .map(|w| {
            Rect::new(
                w[0].x.min(w[1].x) - h,
                w[0].y.min(w[1].y) - h,
                w[0].x.max(w[1].x) + h,
                w[0].y.max(w[1].y) + h,
            )
        })
        .collect()
}

/// Classifies a LEF macro class.
fn master_kind(class: Option<&str>) -> MasterKind {
    let Some(class) = class else {
        return MasterKind::Other;
    };
    let mut words = class.split_whitespace().map(|w| w.to_ascii_uppercase());
    match (words.next().as_deref(), words.next().as_deref()) {
        (Some("CORE"), None | Some("TIEHIGH") | Some("TIELOW")) => MasterKind::Core,
        (Some("CORE"), Some(_)) => MasterKind::Physical, // FEEDTHRU, SPACER, WELLTAP, ANTENNACELL
        (Some("ENDCAP"), _) => MasterKind::Physical,
        (Some("BLOCK"), _) => MasterKind::Block,
        (Some("PAD"), _) | (Some("RING"), _) => MasterKind::Pad,
        _ => MasterKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_warnings_name_the_place_and_say_warning_once() {
        let dir = tempfile::tempdir().unwrap();
        let def = dir.path().join("t.def");
        std::fs::write(
            &def,
            "VERSION 5.8 ;\nDESIGN d ;\nUNITS DISTANCE MICRONS 2000 ;\n\
             DIEAREA ( 0 0 ) ( 100 100 ) ;\nCOMPONENTS 2 ;\nEND COMPONENTS\nEND DESIGN\n",
        )
        .unwrap();
        let lef =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nangate45/gcd/Nangate45.lef");
        let d = Design::load(&DesignInput::new(vec![lef], def.clone())).unwrap();
        assert_eq!(
            d.warnings,
            [format!(
                "{}:6:1: COMPONENTS section declares 2 items but holds 0; read on, as OpenROAD does",
                def.display()
            )]
        );
    }

    #[test]
    fn classes_map_to_kinds() {
        assert_eq!(master_kind(Some("CORE")), MasterKind::Core);
        assert_eq!(master_kind(Some("CORE TIELOW")), MasterKind::Core);
        assert_eq!(master_kind(Some("CORE WELLTAP")), MasterKind::Physical);
        assert_eq!(master_kind(Some("ENDCAP PRE")), MasterKind::Physical);
        assert_eq!(master_kind(Some("BLOCK")), MasterKind::Block);
        assert_eq!(master_kind(None), MasterKind::Other);
    }

    #[test]
    fn paths_are_widened_and_extended() {
        let r = path_rects(
            &[Point::new(0, 0), Point::new(100, 0), Point::new(100, 50)],
            10,
        );
        assert_eq!(
            r,
            vec![Rect::new(-5, -5, 105, 5), Rect::new(95, -5, 105, 55)]
        );
        // A lone point carries only its via.
        assert!(path_rects(&[Point::new(7, 7)], 300).is_empty());
    }

    #[test]
    fn gcell_grid_lines_merge_per_axis() {
        let l = |axis, start, num, step| def::GCellGridLine {
            axis,
            start,
            num,
            step,
        };
        let g = gcell_grid(&[
            l(def::Axis::X, 0, 3, 10),
            l(def::Axis::X, 25, 1, 0),
            l(def::Axis::Y, 0, 2, 7),
        ])
        .unwrap();
        assert_eq!(g.x_lines, vec![0, 10, 20, 25]);
        assert_eq!(g.y_lines, vec![0, 7]);
    }
}
