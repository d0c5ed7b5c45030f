//! `Compilation`: the long-running compilation unit of DESIGN.md ("The incremental model").
//!
//! Each `update()` reads the source, finds the edited byte range, re-splits and re-parses
//! only the decls it touched, marks their analysis units outdated, and then analyzes just
//! the outdated units that are reachable from the exports (a unit whose value changes
//! makes its dependants outdated in turn). When no error stands, the units whose output
//! changed are handed to the linker and the output file is patched; otherwise the output
//! is left alone and the link work stays queued for the first good update.

import type { Decl } from '../zir/ast.js';
import { nameForDisplay } from '../zir/ast.js';
import { NameTable } from '../zir/intern.js';
import type { NameId } from '../zir/intern.js';
import { declParser, parseFile } from '../zir/parse.js';
import type { DeclParseResult } from '../zir/parse.js';
import { splitDecls } from '../zir/split.js';
import type { DeclResolver, ResolvedDecl, SemaOptions } from '../sema/api.js';
import type { FnType } from '../sema/types.js';
import type { AirFunction, DataAtom } from '../sema/air.js';
import { AnalysisSuspended, analyzeDecl, analyzeFunctionBody, emitZir, functionOwner, typedValueEql } from '../sema/index.js';
import type { ExportEntry, Linker, OptimizeMode } from '../link/Linker.js';
import { LinkError, OutputWriteError } from '../link/Linker.js';
import type { LinkFile } from '../link/link_file.js';
import { installedCompilationFiles, type CompilationFiles } from './compilation_files.js';
import { SERIAL_CODEGEN, type CodegenPool } from './codegen_pool.js';
import { targetBackend, type TargetBackend } from './target_backend.js';
import type { CompileError } from './errors.js';
import { emptyStats } from './update_stats.js';
import type { UpdateStats } from './update_stats.js';
import { errorAt, errorsAt, errorWithoutPosition, linkError } from './errors.js';
import { changedRange } from './source_diff.js';
import { checkCompilationOptions } from './compilation_options.js';
import { MemoryOutput, TargetSink, type OutputPatch, type OutputTarget } from '../link/output_sink.js';
import { SourceReader } from './source_reader.js';
import { hexString, rangesEqual } from '../zir/bytes.js';
import { resplitChanged } from './resplit.js';
import type { Resplit } from './resplit.js';
import type { TargetName } from './target.js';
import { targetInfo } from './target.js';
import type { Unit } from './units.js';
import { DeclState, DependencyGraph, NONE, UnitSet, kept, readAt, readCount, setDense } from './units.js';
import { DeclOrder } from './decl_order.js';
import type { PlacedItem } from './decl_order.js';
import { Reachability } from './reachability.js';
import { failedOnCycleThrough, markCycle, staleValuesOnNewEdge, type CycleContext } from './cycles.js';

const utf8 = new TextEncoder();

/** A span of the new source as the decl table will take it: `parsed` is null when its text did not change. */
interface PlannedDecl {
  name: string;
  nameId: NameId;
  start: number;
  end: number;
  parsed: ParsedDecl | null;
  old: DeclState | undefined;
}

/** What the plan keeps of a decl's parse: whether it is an export, and its tree only when asked to. */
interface ParsedDecl {
  isExport: boolean;
  tree: Decl | null;
}

/** Names a unit reads that are told apart by searching an array, before a Set takes over. */
const SMALL_READS = 16;

/** How many analyses may nest (a decl's analysis resolving another's) before they suspend. */
const MAX_NESTED_ANALYSES = 64;

export type { CompileError } from './errors.js';
export { emptyStats } from './update_stats.js';
export type { UpdateStats } from './update_stats.js';
export type { TargetName } from './target.js';

export interface CompilationOptions {
  /** The source file `update()` reads (optional when every update is given its source). */
  sourcePath?: string;
  /**
   * The output file. Without it the build is in memory: each update's result carries the
   * whole output (`output`) and the ranges it patched (`patches`); with `outputTarget`,
   * the output is kept there instead (any `OutputTarget`: size, read, positioned write, truncate).
   */
  outputPath?: string;
  outputTarget?: OutputTarget;
  target: TargetName;
  optimize: OptimizeMode;
  /** How errors name the source file (default: `sourcePath` as given). */
  displayPath?: string;
  /**
   * Supplies the linker (default: the target's in-place linker on `outputPath`). `declNames`
   * is the table the compilation interns names in; an `ElfLinker` given it finds decls'
   * symbols by their name's id there.
   */
  linkerFactory?: (outputPath: string, target: TargetName, declNames: NameTable) => Linker;
  /**
   * `executable` (default): a program, with an entry point, whose externs zirc must
   * define. `object`: a relocatable object (`zirc build -c`) for another link, which needs
   * no entry point and leaves externs to that link.
   */
  output?: 'executable' | 'object';
  /**
   * Objects and archives linked with the program (`zirc build main.zir util.o libx.a`),
   * in command-line order: ELF objects for x86_64-linux, wasm32 objects for wasm32-wasi.
   * With any, the program is one object of a static link (link/elf/program/,
   * link/wasm/program/): its externs may be defined by them, and the entry point may be
   * theirs (a C runtime's `_start`).
   */
  linkInputs?: readonly LinkFile[];
  /**
   * How `sourcePath` is read and the file at `outputPath` written (compilation_files.ts).
   * Default: the one the host installed; the `zirc` entry installs Node's.
   */
  files?: CompilationFiles;
  /**
   * Where code generation runs (compile/codegen_pool.ts). Default: on the calling thread,
   * each function as soon as its body is analyzed, so that its AIR dies young. A pool
   * with worker threads generates a link's functions in one batch instead. The output is
   * the same either way.
   */
  codegen?: CodegenPool;
  /**
   * Keep every function's AIR after its code is generated (default false: it is dropped,
   * which at 100k functions is about 40% of what a compilation holds). `emitIr` and
   * `analysisSnapshot` need it.
   */
  retainAir?: boolean;
}

export interface UpdateResult {
  ok: boolean;
  errors: CompileError[];
  stats: UpdateStats;
  /** In-memory builds: the whole output after this update (the last good one after an error update; empty before the first). */
  output?: Uint8Array;
  /** In-memory builds: what this update wrote, in order; applied to the previous `output` (then cut or extended to the new length), they give this one. */
  patches?: OutputPatch[];
}

/** How an in-memory output is named in errors. */
const MEMORY_OUTPUT_NAME = '<memory output>';

interface Timer {
  start: number;
}

export class Compilation {
  private readonly opts: Required<Omit<CompilationOptions, 'linkerFactory' | 'sourcePath' | 'outputTarget' | 'files'>> & Pick<CompilationOptions, 'linkerFactory' | 'sourcePath' | 'files'>;
  /** In-memory builds (no `outputPath`): where the output goes, and the patches of each flush. */
  private readonly memory: { sink: TargetSink; target: OutputTarget } | null;
  /** Objects are linked with the program: externs and the entry point may be theirs. */
  private readonly linksObjects: boolean;
  private readonly semaOptions: SemaOptions;
  private readonly backend: TargetBackend;
  /** The source as of the last update that parsed. */
  private source: Uint8Array = new Uint8Array(0);
  private readonly reader = new SourceReader();
  /**
   * Every name the compilation's parses have seen, one id each for its life: the trees'
   * references carry it (RefValue.id), so analysis finds a decl in `valueById` and a
   * name's readers in the graph by index, not by hashing its text.
   */
  private readonly names = new NameTable();
  /**
   * Each decl's value unit (its decl is `.decl`), by the decl name's id; none for a name
   * with no decl, a removed one included. Resolving a name reads this and then the unit
   * alone, not the decl in between (a cache miss saved on each of 100k references).
   */
  private readonly valueById: Array<Unit | undefined> = [];
  /** Decls in source order. */
  private readonly order = new DeclOrder<DeclState>();
  private readonly roots = new Set<DeclState>();
  private readonly graph = new DependencyGraph();
  private readonly reach: Reachability;
  /** Units whose output must be reconciled with the linker at the next good flush. */
  private readonly linkDirty = new UnitSet();
  /** Units whose last analysis produced errors. */
  private readonly errorUnits = new Set<Unit>();
  private linkedExports: ExportEntry[] = [];
  private linker: Linker | null = null;
  private needFlush = false;
  private readonly analysisStack: Unit[] = [];
  /** Analyses abandoned for a dependency, each below the one it waits for (see analyzeUnitOrSuspend). */
  private readonly suspended: Unit[] = [];
  /** Updates that reached analysis, counted from 1 (marks units' analyses and cycles). */
  private updateCount = 0;
  /** Decls analyzed in this update (each counted once: `DeclState.analyzedIn`). */
  private declsAnalyzed = 0;
  private analyzeQueue: Unit[] = [];
  /** The parser of `source`, made once per source: its name tables serve every decl's parse. */
  private sourceParser: ((start: number, end: number) => DeclParseResult) | null = null;
  /** Time putNow spent in the linker in this update: linking's, though it happened during analysis. */
  private linkDuringAnalysisMs = 0;
  /** Time astOf spent parsing in this update: parsing's, though analysis asked for it. */
  private parseDuringAnalysisMs = 0;
  /** Decls whose tree is held until the end of the current update. */
  private astsHeld: DeclState[] = [];
  /** Generate each function's code as soon as its body is analyzed (the pool is not parallel). */
  private readonly streamCodegen: boolean;
  /**
   * With a parallel pool: each analysis of a body with code to make since the last link,
   * in the order they completed, with what putNow would have put then (see putCompletedBodies).
   */
  private completedBodies: CompletedBody[] = [];
  /** An early put failed in this update: the rest wait for link, which reports what failed. */
  private earlyPutFailed = false;
  /** The update in progress's statistics (code generated during analysis is counted there). */
  private stats: UpdateStats = emptyStats();

  private constructor(opts: CompilationOptions) {
    const outputPath = opts.outputPath ?? MEMORY_OUTPUT_NAME;
    this.opts = {
      ...opts, outputPath, displayPath: opts.displayPath ?? opts.sourcePath ?? 'main.zir', output: opts.output ?? 'executable', linkInputs: opts.linkInputs ?? [],
      codegen: opts.codegen ?? SERIAL_CODEGEN,
      retainAir: opts.retainAir ?? false,
    };
    this.streamCodegen = !this.opts.codegen.parallel;
    if (opts.outputPath === undefined) {
      const target = opts.outputTarget ?? new MemoryOutput();
      this.memory = { sink: new TargetSink(target, MEMORY_OUTPUT_NAME), target };
    } else this.memory = null;
    this.linksObjects = this.opts.linkInputs.length > 0 && this.opts.output === 'executable';
    this.backend = targetBackend(opts.target);
    this.semaOptions = {
      ...this.backend.semaOptions(opts.optimize !== 'ReleaseFast'),
      externsLinkedLater: this.opts.output === 'object' || this.linksObjects,
    };
    this.reach = new Reachability((u) => this.successors(u));
  }

  /** Throws `TypeError` for a missing or unknown option (compilation_options.ts). */
  static create(opts: CompilationOptions): Compilation {
    checkCompilationOptions(opts);
    if (opts.linkerFactory === undefined && opts.outputPath !== undefined) (opts.files ?? installedCompilationFiles()).recoverOutput(opts.outputPath);
    return new Compilation(opts);
  }

  get target(): TargetName {
    return this.opts.target;
  }

  get outputPath(): string {
    return this.opts.outputPath;
  }

  /**
   * One update. Reads `sourcePath` unless `source` is given (bytes, or a string taken as
   * UTF-8). Never throws for bad input; a TypeError if there is no source at all.
   */
  update(source?: Uint8Array | string): UpdateResult {
    if (source === undefined && this.opts.sourcePath === undefined) throw new TypeError('Compilation.update: no source (pass it, or create the compilation with a sourcePath)');
    const stats = (this.stats = emptyStats());
    const total = startTimer();
    const finish = (errors: CompileError[]): UpdateResult => {
      this.releaseAsts();
      stats.timings.totalMs = elapsed(total);
      const result: UpdateResult = { ok: errors.length === 0, errors, stats };
      if (this.memory) this.describeMemoryOutput(result, errors.length === 0 && stats.bytesWritten > 0);
      return result;
    };

    let buf: Uint8Array;
    const readTimer = startTimer();
    try {
      // A caller's bytes are copied: they may change them after the update, and the next
      // update diffs against what this one saw.
      buf = source !== undefined ? this.reader.copy(typeof source === 'string' ? utf8.encode(source) : source) : this.files().readSource(this.opts.sourcePath!, this.reader);
    } catch (err) {
      return finish([errorWithoutPosition(this.opts.displayPath, `unable to read source: ${describe(err)}`)]);
    }
    stats.timings.readMs = elapsed(readTimer);

    const previous = this.source;
    const parseError = this.applySource(buf, stats);
    // Whichever of the two buffers is no longer the current source can be read into next time.
    this.reader.recycle(this.source === buf ? previous : buf);
    if (parseError) return finish([parseError]);

    const analyzeTimer = startTimer();
    this.declsAnalyzed = 0;
    this.parseDuringAnalysisMs = 0;
    this.linkDuringAnalysisMs = 0;
    this.earlyPutFailed = false;
    this.updateCount++;
    this.cycles.marks.clear();
    this.analyzeReachable();
    stats.declsAnalyzed = this.declsAnalyzed;
    const errors = this.collectErrors();
    // Code generated as bodies were analyzed is code generation's time, not analysis's;
    // the trees analysis parsed (astOf) are parsing's.
    stats.timings.analyzeMs = Math.max(0, elapsed(analyzeTimer) - stats.timings.codegenMs - this.parseDuringAnalysisMs - this.linkDuringAnalysisMs);
    stats.timings.parseMs += this.parseDuringAnalysisMs;
    const codegenBeforeLink = stats.timings.codegenMs;
    if (errors.length > 0) {
      this.putBodiesOfFailedUpdate(stats);
      return finish(errors);
    }

    const linkTimer = startTimer();
    const linkErrors = this.link(stats);
    stats.timings.linkMs = Math.max(0, elapsed(linkTimer) - (stats.timings.codegenMs - codegenBeforeLink)) + this.linkDuringAnalysisMs;
    return finish(linkErrors);
  }

  /** The analyzed program as canonical ZIR (spec §12). Call after a successful update of a compilation created with `retainAir`. */
  emitIr(): string {
    this.requireAir('emitIr');
    const decls = [...this.order]
      .filter((d) => this.reach.has(d.value))
      .map((d) => ({
        decl: this.astOf(d),
        value: d.value,
        body: this.reach.has(d.body) ? d.body : null,
      }));
    const text = emitZir(
      decls.map((d) => ({
        decl: d.decl,
        analysis: {
          typedValue: d.value.typedValue,
          errors: d.value.errors,
          data: d.value.data,
          export: d.value.exportEntry,
        },
        body: d.body ? { air: d.body.air, errors: d.body.errors, data: d.body.data } : null,
      })),
      this.semaOptions,
    );
    this.releaseAsts();
    return text;
  }

  private requireAir(what: string): void {
    if (!this.opts.retainAir) throw new Error(`Compilation.${what} needs the AIR: create the compilation with retainAir: true`);
  }

  close(): void {
    this.linker?.close();
    this.linker = null;
  }

  /**
   * Everything analysis concluded, as deterministic text: for each decl in the build, in
   * source order, its value, its AIR, its data and its errors; then the exports. Two
   * compilations of the same source must give the same snapshot, however they got there.
   */
  analysisSnapshot(): string {
    this.requireAir('analysisSnapshot');
    const lines: string[] = [];
    for (const d of this.order) {
      if (!this.reach.has(d.value)) continue;
      lines.push(`decl ${d.name} @${d.start}-${d.end}`);
      for (const u of [d.value, d.body]) {
        if (!this.reach.has(u)) continue;
        if (u.outdated) lines.push(`  ${u.kind}: OUTDATED`);
        if (u.kind === 'value') lines.push(`  value: ${stableJson(u.typedValue)} export: ${stableJson(u.exportEntry)}`);
        else lines.push(`  air: ${stableJson(u.air)}`);
        for (const atom of u.data) lines.push(`  data: ${stableJson(atom)}`);
        for (const e of u.errors) lines.push(`  error @${e.offset}: ${e.message}`);
      }
    }
    lines.push(`exports: ${stableJson(this.computeExports())}`);
    return lines.join('\n');
  }

  // ---------------------------------------------------------------------------------
  // Source → decls

  /** Brings the decl table up to date with `buf`; returns the parse error, if any. */
  private applySource(buf: Uint8Array, stats: UpdateStats): CompileError | null {
    const splitTimer = startTimer();
    const range = changedRange(this.source, buf);
    if (!range) {
      stats.timings.splitMs = elapsed(splitTimer);
      return null;
    }
    let resplit = resplitChanged(this.order, buf, range, (slice) => splitDecls(slice, this.names));
    stats.timings.splitMs = elapsed(splitTimer);

    const parseTimer = startTimer();
    const parser = declParser(buf, this.names);
    let plan = resplit.suspect ? null : this.planDecls(buf, resplit, parser, stats);
    if (!plan) {
      // Something looked wrong: the whole file's parse has the authority.
      const full = parseFile(buf, this.names);
      if (!full.ok) {
        stats.timings.parseMs = elapsed(parseTimer);
        return errorAt(this.opts.displayPath, buf, full.error.offset, full.error.message);
      }
      // The splitter was more cautious than the parser: take every decl from the full parse.
      const byStart = new Map(full.module.decls.map((d) => [d.start, d]));
      const spans = full.module.decls.map((d) => ({ name: d.name, nameId: this.names.idOf(d.name), start: d.start, end: d.end }));
      resplit = { first: 0, oldCount: this.order.length, spans, delta: 0, suspect: false };
      plan = this.planDecls(buf, resplit, (start) => ({ ok: true, decl: byStart.get(start)! }), stats, true)!;
    }

    // Commit: the new text is good. Decls after the slice only moved.
    const replaced = this.order.slice(resplit.first, resplit.oldCount);
    const kept = new Set<DeclState>();
    const placed: Array<PlacedItem<DeclState>> = [];
    for (const p of plan) {
      if (p.old) {
        if (p.parsed) this.replaceDecl(p.old, p.parsed);
        kept.add(p.old);
      }
      placed.push({ item: p.old ?? this.addDecl(p.name, p.nameId, p.parsed!), start: p.start, end: p.end });
    }
    for (const old of replaced) {
      if (!kept.has(old)) {
        this.removeDecl(old);
        stats.declsDeleted++;
      }
    }
    this.order.replace(resplit.first, resplit.oldCount, placed, resplit.delta);
    this.source = buf;
    // Its name tables serve the parses analysis asks for (astOf).
    this.sourceParser = parser;
    stats.timings.parseMs = elapsed(parseTimer);
    return null;
  }

  /**
   * What the new spans mean for the decl table: for each, the old decl of that name (if
   * any) and its new tree (null when its text did not change). Null when a span does not
   * parse or redefines a decl outside the slice: the caller asks the whole file's parse.
   * The spans' names are distinct (the splitter and parseFile both reject a repeat).
   */
  private planDecls(
    buf: Uint8Array,
    resplit: Resplit,
    parseDecl: (start: number, end: number) => DeclParseResult,
    stats: UpdateStats,
    /** Keep the trees (the whole file's parse made them: the decls' own parses may not agree yet). */
    keepTrees = false,
  ): PlannedDecl[] | null {
    const replaced = new Set(this.order.slice(resplit.first, resplit.oldCount));
    const plan: PlannedDecl[] = [];
    for (const span of resplit.spans) {
      const old = this.valueById[span.nameId]?.decl;
      if (old && !replaced.has(old)) return null; // a redefinition
      if (old && sameText(this.source, old.start, old.end, buf, span.start, span.end)) {
        plan.push({ name: span.name, nameId: span.nameId, start: span.start, end: span.end, parsed: null, old });
        continue;
      }
      const r = parseDecl(span.start, span.end);
      stats.declsParsed++;
      if (!r.ok) return null;
      // Unless keepTrees, the tree is not kept: analysis parses the decl again when it gets
      // to it (astOf), so a full build holds a few trees at a time, not every decl's (290 MB
      // at 100k), and the trees die young, which costs the collector far less.
      plan.push({ name: span.name, nameId: span.nameId, start: span.start, end: span.end, parsed: { isExport: r.decl.inst.tag === 'export', tree: keepTrees ? r.decl : null }, old });
    }
    return plan;
  }

  /** The decl's tree: parsed from the source when analysis needs it, kept while the update uses it. */
  private astOf(d: DeclState): Decl {
    if (d.ast) return d.ast;
    const timer = startTimer();
    const r = (this.sourceParser ??= declParser(this.source, this.names))(d.start, d.end);
    this.parseDuringAnalysisMs += elapsed(timer);
    if (!r.ok) throw new Error(`decl '${d.name}' no longer parses: ${r.error.message}`);
    return this.holdAst(d, r.decl);
  }

  private holdAst(d: DeclState, ast: Decl): Decl {
    d.ast = ast;
    this.astsHeld.push(d);
    return ast;
  }

  /** Trees take many times the memory of their text: keep none between updates. */
  private releaseAsts(): void {
    for (const d of this.astsHeld) d.ast = null;
    this.astsHeld = [];
  }

  private addDecl(name: string, nameId: NameId, parsed: ParsedDecl): DeclState {
    const d = new DeclState(name, nameId, parsed.isExport);
    if (parsed.tree) this.holdAst(d, parsed.tree);
    setDense(this.valueById, d.nameId, d.value);
    if (d.isExport) this.roots.add(d);
    // Units that found no decl of this name must look again.
    for (const u of this.graph.dependantsCopy(d.nameId)) this.markOutdated(u);
    return d;
  }

  private replaceDecl(d: DeclState, parsed: ParsedDecl): void {
    if (parsed.tree) this.holdAst(d, parsed.tree);
    d.isExport = parsed.isExport;
    if (d.isExport) this.roots.add(d);
    else this.roots.delete(d);
    this.markOutdated(d.value);
    this.markOutdated(d.body);
  }

  private removeDecl(d: DeclState): void {
    d.deleted = true;
    this.valueById[d.nameId] = undefined;
    this.roots.delete(d);
    for (const u of [d.value, d.body]) {
      this.graph.forget(u);
      this.errorUnits.delete(u);
      this.reach.remove(u);
      this.linkDirty.add(u);
    }
    for (const u of this.graph.dependantsCopy(d.nameId)) this.markOutdated(u);
  }

  // ---------------------------------------------------------------------------------
  // Analysis

  private markOutdated(u: Unit): void {
    if (u.decl.deleted) return;
    u.outdated = true;
    if (this.reach.has(u)) this.analyzeQueue.push(u);
  }

  /** Analyzes every outdated unit reachable from the exports, keeping reachability current. */
  private analyzeReachable(): void {
    this.reach.setRoots([...this.roots].map((d) => d.value));
    for (;;) {
      for (const u of this.reach.takeNewlyReachable()) {
        this.linkDirty.add(u);
        if (codeReleased(u)) u.outdated = true;
        if (u.outdated) this.analyzeQueue.push(u);
      }
      // Analyses suspended for a dependency resume first, the dependency on top.
      const resumed = this.suspended.pop();
      if (resumed) {
        if (!resumed.decl.deleted && resumed.outdated) this.analyzeUnitOrSuspend(resumed);
        continue;
      }
      const u = this.analyzeQueue.pop();
      if (u) {
        if (!u.decl.deleted && u.outdated && this.reach.has(u)) this.analyzeUnitOrSuspend(u);
        continue;
      }
      if (!this.reach.hasPendingWork()) break;
      for (const gone of this.reach.settle()) this.linkDirty.add(gone);
    }
  }

  /**
   * Analyzes `u` from the top of the work loop. When a chain of dependencies nests deeper
   * than MAX_NESTED_ANALYSES, the innermost resolve suspends every analysis under way: they
   * go on the suspended stack, below the unit they wait for, and stay "in progress" for
   * cycle detection until they resume. Chains of any length are analyzed this way, the
   * same way every run.
   */
  private analyzeUnitOrSuspend(u: Unit): void {
    try {
      this.analyzeUnit(u);
    } catch (err) {
      if (!(err instanceof AnalysisSuspended)) throw err;
      for (let i = err.abandoned.length - 1; i >= 0; i--) {
        const waiting = err.abandoned[i] as Unit;
        waiting.inProgress = true;
        this.suspended.push(waiting);
      }
      this.suspended.push(err.needed as Unit);
    }
  }

  private analyzeUnit(u: Unit): void {
    u.inProgress = true;
    this.analysisStack.push(u);
    if (u.decl.analyzedIn !== this.updateCount) {
      u.decl.analyzedIn = this.updateCount;
      this.declsAnalyzed++;
    }
    const reads: NameId[] = [];
    // Most units read a few names: an array is searched until a Set pays (see SMALL_READS).
    let readSet: Set<NameId> | null = null;
    // A value analyzed before may read a decl it did not read last time: see staleValuesOnNewEdge.
    let previousReads: Set<NameId> | null = null;
    const resolver: DeclResolver = {
      resolveDecl: (name: string, nameId: number): ResolvedDecl => {
        const id = nameId >= 0 ? nameId : this.names.idOf(name);
        if (id < 0) return 'not_found'; // not a name any source can spell
        const known = readSet !== null ? readSet.has(id) : reads.includes(id);
        if (!known) {
          reads.push(id);
          if (readSet !== null) readSet.add(id);
          else if (reads.length > SMALL_READS) readSet = new Set(reads);
          if (u.kind === 'value' && u.analyzed) {
            previousReads ??= new Set(typeof u.deps === 'number' ? [u.deps] : u.deps);
            if (!previousReads.has(id)) {
              for (const stale of staleValuesOnNewEdge(this.cycles, u, id)) if (!stale.inProgress) this.markOutdated(stale);
            }
          }
        }
        return this.resolve(id);
      },
    };
    try {
      if (u.kind === 'value') this.analyzeValue(u, resolver);
      else this.analyzeBody(u, resolver);
    } catch (err) {
      if (err instanceof AnalysisSuspended) {
        // Abandoned, not failed: it runs again from the start when what it needs is done.
        err.abandoned.push(u);
        throw err;
      }
      // A bug in analysis must not take the long-running compiler down: it becomes this decl's error.
      u.typedValue = null;
      u.air = null;
      u.functionName = null;
      u.code = null;
      u.data = NONE;
      u.exportEntry = null;
      u.errors = [{ offset: 0, message: `internal compiler error: ${describe(err)}` }];
    } finally {
      u.inProgress = false;
      this.analysisStack.pop();
    }
    this.graph.setDeps(u, reads);
    u.analyzedIn = this.updateCount;
    u.outdated = false;
    u.analyzed = true;
    if (u.errors.length > 0) this.errorUnits.add(u);
    else this.errorUnits.delete(u);
    this.linkDirty.add(u);
    this.reach.successorsChanged(u);
  }

  private analyzeValue(u: Unit, resolver: DeclResolver): void {
    const old = u.typedValue;
    const wasAnalyzed = u.analyzed;
    const r = analyzeDecl(this.astOf(u.decl), resolver, this.semaOptions);
    u.typedValue = r.typedValue;
    u.errors = kept(r.errors);
    u.data = kept(r.data);
    u.exportEntry = r.export;
    // Only a function's body needs the tree again (analyzeBody): let the others go now.
    if (!(r.typedValue && functionOwner(r.typedValue) === u.decl.name)) u.decl.ast = null;
    const changed =
      !wasAnalyzed ||
      (old === null) !== (r.typedValue === null) ||
      (old !== null && r.typedValue !== null && !typedValueEql(old, r.typedValue));
    if (changed) {
      for (const dep of this.graph.dependantsCopy(u.decl.nameId)) {
        if (dep !== u) this.markOutdated(dep);
      }
      this.markOutdated(u.decl.body);
    }
  }

  private analyzeBody(u: Unit, resolver: DeclResolver): void {
    const tv = u.decl.value.typedValue;
    if (!tv || functionOwner(tv) !== u.decl.name) {
      u.air = null;
      u.functionName = null;
      u.code = null;
      u.errors = NONE;
      u.data = NONE;
      return;
    }
    const r = analyzeFunctionBody(this.astOf(u.decl), tv.type as FnType, resolver, this.semaOptions);
    u.air = r.air;
    u.functionName = r.air?.name ?? null;
    u.code = null;
    u.errors = kept(r.errors);
    u.data = kept(r.data);
    // The tree has served: a body is analyzed after its decl's value. Should either be
    // analyzed again in this update, astOf parses the decl again from the source.
    u.decl.ast = null;
    if (this.streamCodegen && r.air && r.errors.length === 0) {
      const timer = startTimer();
      u.code = this.backend.generate(r.air);
      this.stats.timings.codegenMs += elapsed(timer);
      this.stats.functionsGenerated++;
      if (!this.opts.retainAir) u.air = null;
      this.putNow(u);
    } else if (r.air && r.errors.length === 0) {
      this.completedBodies.push({ unit: u, air: r.air, data: u.data });
    }
  }

  /**
   * Puts a function into the linker as soon as its code is made, so that the code dies
   * young instead of waiting, promoted, for the link (at 100k functions the collector
   * copied it twice and the peak held all of it). The linker takes the functions of an
   * update in the order their analyses completed, then the other units (see link); a
   * parallel pool makes the code later and puts them in the same order. Whatever goes
   * wrong here is left to link, which puts the unit again and reports it.
   */
  private putNow(u: Unit): void {
    const timer = startTimer();
    this.putEarly((linker) => {
      this.reconcile(linker, u, this.wantedSymbols(u), this.stats);
      u.code = CODE_IN_LINKER;
    });
    this.linkDuringAnalysisMs += elapsed(timer);
  }

  /** Runs `put` against the linker before the link; after a failure the rest waits for link, which reports it. */
  private putEarly(put: (linker: Linker) => void): void {
    if (this.earlyPutFailed) return;
    try {
      put(this.linker ?? (this.linker = this.openLinker()));
    } catch {
      this.earlyPutFailed = true;
    }
  }

  private resolve(name: NameId): ResolvedDecl {
    const u = this.valueById[name];
    if (u === undefined) return 'not_found';
    if (u.inProgress) {
      markCycle(this.cycles, u);
      return 'cycle';
    }
    if (u.outdated) {
      if (this.analysisStack.length >= MAX_NESTED_ANALYSES) throw new AnalysisSuspended(u);
      this.analyzeUnit(u);
    }
    if (u.typedValue) return u.typedValue;
    // A failed value on a cycle through the reader is the same cycle seen from the other
    // side: every decl of a cycle reports it, whatever order the cycle was entered in.
    const reader = this.analysisStack[this.analysisStack.length - 1];
    return reader && failedOnCycleThrough(this.cycles, u, reader) ? 'cycle' : 'failed';
  }

  /** What the cycle questions (cycles.ts) need of this compilation. */
  private readonly cycles: CycleContext = {
    update: () => this.updateCount,
    valueOf: (name) => this.valueById[name],
    dependantsOf: (name) => this.graph.dependantsOf(name),
    openAnalyses: () => [...this.suspended, ...this.analysisStack],
    marks: new Map(),
  };

  /** The units a unit keeps in the build: the values it read and, for a function's value, its body. */
  private successors(u: Unit): readonly Unit[] {
    const out: Unit[] = [];
    const reads = u.deps;
    for (let i = 0, n = readCount(reads); i < n; i++) {
      const value = this.valueById[readAt(reads, i)];
      if (value) out.push(value);
    }
    if (u.kind === 'value' && u.typedValue && functionOwner(u.typedValue) === u.decl.name) out.push(u.decl.body);
    return kept(out);
  }

  private collectErrors(): CompileError[] {
    const found: Array<{ offset: number; message: string }> = [];
    for (const u of this.errorUnits) {
      if (!this.reach.has(u) || u.decl.deleted) continue;
      for (const e of u.errors) found.push({ offset: u.decl.start + e.offset, message: e.message });
    }
    const { exports, collisions } = this.computeExports();
    found.push(...collisions);
    if (found.length === 0 && this.opts.output === 'executable') {
      const entryError = this.entryPointError(exports);
      if (entryError) found.push(entryError);
    }
    return errorsAt(this.opts.displayPath, this.source, found.map((e) => ({ offset: e.offset, message: nameForDisplay(e.message) })));
  }

  /**
   * Spec §6: every program has an entry point, the export `_start`, on both targets. On
   * x86-64 it is entered by the kernel and has nowhere to return to: `fn() noreturn`. On
   * wasm32 returning means exit status 0, so `fn() void` is allowed too (a `u32` result is
   * not an exit status there). Reported at the export.
   */
  private entryPointError(exports: ExportEntry[]): { offset: number; message: string } | null {
    const entry = exports.find((e) => e.symbolName === '_start');
    // Linked with objects, `_start` may be a C runtime's: the link reports it if nobody defines it.
    if (!entry) return this.linksObjects ? null : { offset: 0, message: 'no entry point found' };
    const type = this.valueById[this.names.idOf(entry.declName)]?.typedValue?.type;
    if (type?.kind !== 'fn') return null;
    const returns = type.ret.kind;
    const allowed = type.params.length === 0 && (returns === 'noreturn' || (returns === 'void' && this.opts.target === 'wasm32-wasi'));
    if (allowed) return null;
    const exporter = [...this.roots].find((d) => !d.deleted && d.value.exportEntry?.symbolName === '_start');
    const offset = exporter ? exporter.start + exporter.value.exportEntry!.offset : 0;
    return { offset, message: "entry point '_start' must not return" };
  }

  /** The exports of reachable export decls in source order; a repeated symbol name is an error at the later one. */
  private computeExports(): { exports: ExportEntry[]; collisions: Array<{ offset: number; message: string }> } {
    const entries = [...this.roots]
      .filter((d) => d.value.exportEntry !== null && !d.deleted)
      .sort((a, b) => a.start - b.start);
    const exports: ExportEntry[] = [];
    const collisions: Array<{ offset: number; message: string }> = [];
    const seen = new Set<string>();
    for (const d of entries) {
      const e = d.value.exportEntry!;
      if (seen.has(e.symbolName)) {
        collisions.push({ offset: d.start + e.offset, message: `exported symbol collision: ${e.symbolName}` });
        continue;
      }
      seen.add(e.symbolName);
      exports.push({ symbolName: e.symbolName, declName: e.declName });
    }
    return { exports, collisions };
  }

  // ---------------------------------------------------------------------------------
  // Linking

  /** Reconciles the linker with every dirty unit, updates exports and flushes. */
  private link(stats: UpdateStats): CompileError[] {
    const { exports } = this.computeExports();
    const exportsChanged = !sameExports(exports, this.linkedExports);
    // A new compilation always writes its output once, even with nothing to link: a file
    // left at the path by an earlier program must not stand for this one. Linked with
    // objects, every update links: one of them may have changed on disk.
    if (this.linker !== null && this.linkDirty.size === 0 && !exportsChanged && !this.needFlush && !this.linksObjects) return [];
    try {
      const linker = this.linker ?? (this.linker = this.openLinker());
      this.putCompletedBodies(linker, stats);
      this.generateCode(this.linkDirty, stats);
      for (const u of this.linkDirty) {
        // Put since its last analysis, and still in the build: the linker has it as it is.
        const put = u.code === CODE_IN_LINKER && this.reach.has(u) && !u.decl.deleted;
        if (!put) this.reconcile(linker, u, this.wantedSymbols(u), stats);
        // The linker holds the function now (its bytes in the image, its relocations in its
        // own form): the unit lets its copy go, a sixth of a 100k-function build's heap
        // that every scavenge had to copy. Put again later (back in the build, or into a
        // new linker), the function is analyzed again, or generated from retained AIR.
        if (u.kind === 'body') u.code = null;
      }
      this.linkDirty.clear();
      if (exportsChanged) {
        linker.updateExports(exports);
        this.linkedExports = exports;
      }
      this.needFlush = true;
      const report = linker.flush();
      this.needFlush = false;
      stats.bytesWritten = report.bytesWritten;
      return [];
    } catch (err) {
      if (err instanceof OutputWriteError) return [errorWithoutPosition(this.opts.outputPath, err.message)];
      // The link failed (a symbol, an object): the linker keeps its work, the output is as it was.
      if (err instanceof LinkError) return err.messages.map((m) => linkError(this.opts.outputPath, m));
      // The linker's state can no longer be trusted: start a new one, which rebuilds the file from scratch.
      this.resetLinker();
      return [errorWithoutPosition(this.opts.outputPath, `internal linker error: ${describe(err)}`)];
    }
  }

  /**
   * With a parallel pool, the functions go to the linker first: the code of every body
   * analysis since the last link is made in one batch, then each is put in the order the
   * analyses completed, as it was then (a body analyzed twice is put twice), exactly as
   * putNow puts them without a pool. So the output is the same whatever the thread count.
   */
  private putCompletedBodies(linker: Linker, stats: UpdateStats): void {
    const done = this.completedBodies;
    if (done.length === 0) return;
    this.completedBodies = [];
    const timer = startTimer();
    const generated = this.opts.codegen.generate(this.opts.target, done.map((b) => b.air), (f) => this.backend.generate(f));
    stats.timings.codegenMs += elapsed(timer);
    stats.functionsGenerated += done.length;
    for (let i = 0; i < done.length; i++) {
      const { unit: u, air, data } = done[i]!;
      this.reconcile(linker, u, bodySymbols(air.name, generated[i], data), stats);
      // The unit's last analysis (a later one would have replaced its AIR): the linker has it as it is.
      if (u.air === air) {
        u.code = CODE_IN_LINKER;
        if (!this.opts.retainAir) u.air = null;
      }
    }
  }

  /**
   * An update that fails after analysis puts its functions all the same, as putNow would
   * have done without a pool: the next update starts from the same linker either way.
   * What fails here is left to the next link, which reports it.
   */
  private putBodiesOfFailedUpdate(stats: UpdateStats): void {
    if (this.completedBodies.length > 0) this.putEarly((linker) => this.putCompletedBodies(linker, stats));
  }

  /** What `u` contributes to the output now: nothing once it left the build. */
  private wantedSymbols(u: Unit): LinkerSymbol[] {
    return this.reach.has(u) && !u.decl.deleted ? this.unitSymbols(u) : [];
  }

  /** Brings the linker's symbols for `u` in line with `wanted`, what the unit contributes. */
  private reconcile(linker: Linker, u: Unit, wanted: readonly LinkerSymbol[], stats: UpdateStats): void {
    const had = symbolNames(u.linked);
    for (const name of had) if (!wanted.some((s) => s.name === name)) linker.deleteSymbol(name);
    for (const s of wanted) s.put(linker);
    // Most units have one symbol: kept as a string, not an array (200k units at 100k functions).
    if (wanted.length === 1) u.linked = wanted[0]!.name;
    else if (wanted.length) u.linked = [...new Set(wanted.map((s) => s.name))];
    else u.linked = null;
    if (had.length && !wanted.length) stats.declsDeleted++;
  }

  /**
   * The target's code (compile/target_backend.ts) for every function of `candidates` (no
   * repeats) that has retained AIR and no code (put again into a new linker), generated in
   * one batch by the compilation's pool, counted and timed apart from linking; then the
   * AIR is let go. A body just analyzed gets its code in putNow or putCompletedBodies.
   */
  private generateCode(candidates: Iterable<Unit>, stats: UpdateStats): void {
    const units: Unit[] = [];
    const functions: AirFunction[] = [];
    for (const u of candidates) {
      if (u.kind === 'body' && u.code === null && u.air && u.errors.length === 0 && this.reach.has(u) && !u.decl.deleted) {
        units.push(u);
        functions.push(u.air);
      }
    }
    if (units.length === 0) return;
    const timer = startTimer();
    const generated = this.opts.codegen.generate(this.opts.target, functions, (f) => this.backend.generate(f));
    stats.timings.codegenMs += elapsed(timer);
    stats.functionsGenerated += units.length;
    for (let i = 0; i < units.length; i++) {
      units[i]!.code = generated[i];
      if (!this.opts.retainAir) units[i]!.air = null;
    }
  }

  /** Drops the linker; the next good update links every unit in the build into a new output. */
  private resetLinker(): void {
    try {
      this.linker?.close();
    } catch {
      // Closing a broken linker may fail too; its file is rewritten whole anyway.
    }
    this.linker = null;
    // The new linker has no symbols: not the decls' in the build, nor the removed ones'
    // still waiting in linkDirty to be taken out.
    for (const u of this.linkDirty) u.linked = null;
    this.linkedExports = [];
    for (const d of this.order) {
      for (const u of [d.value, d.body]) {
        u.linked = null;
        // The old linker had it; the new one has not.
        if (u.code === CODE_IN_LINKER) u.code = null;
        if (!this.reach.has(u)) continue;
        this.linkDirty.add(u);
        if (codeReleased(u)) this.markOutdated(u);
      }
    }
  }

  /** An in-memory build's result carries its output, and what this update patched. */
  private describeMemoryOutput(result: UpdateResult, flushed: boolean): void {
    const { sink, target } = this.memory!;
    result.output = target.read(0, target.size());
    result.patches = flushed ? sink.lastPatches : [];
  }

  private openLinker(): Linker {
    if (this.memory) return this.opts.linkerFactory?.(this.opts.outputPath, this.opts.target, this.names) ?? this.backend.openLinker(this.opts.outputPath, this.memory.sink, this.names);
    const files = this.files();
    try {
      files.makeOutputDirectory(this.opts.outputPath);
    } catch (err) {
      throw new OutputWriteError(this.opts.outputPath, err);
    }
    if (this.opts.linkerFactory) return this.opts.linkerFactory(this.opts.outputPath, this.opts.target, this.names);
    if (this.linksObjects) return files.openProgramLinker(this.opts.outputPath, this.opts.target, this.opts.displayPath, this.opts.linkInputs);
    return files.openLinker(this.opts.outputPath, this.opts.target, this.names);
  }

  /** The file system of a build with paths: the options', else the one the host installed (compilation_files.ts). */
  private files(): CompilationFiles {
    return this.opts.files ?? installedCompilationFiles();
  }

  /**
   * The symbols a unit contributes to the output, each with how to put it into the
   * linker; a function's code must have been made already.
   */
  private unitSymbols(u: Unit): LinkerSymbol[] {
    if (u.errors.length > 0) return [];
    if (u.kind === 'body') {
      if (u.functionName === null) return [];
      if (u.code === null || u.code === CODE_IN_LINKER) throw new Error(`the code of '${u.functionName}' was let go and not made again`);
      return bodySymbols(u.functionName, u.code, u.data);
    }
    if (!u.typedValue) return [];
    return u.data.map(dataSymbol);
  }
}

/** A symbol a unit puts into the linker, and how. */
interface LinkerSymbol {
  name: string;
  put: (l: Linker) => void;
}

/** A function's symbols: its code, then its data. */
function bodySymbols(name: string, code: unknown, data: readonly DataAtom[]): LinkerSymbol[] {
  const out: LinkerSymbol[] = [{ name, put: (l) => l.updateFunc(name, code) }];
  for (const atom of data) out.push(dataSymbol(atom));
  return out;
}

function dataSymbol(atom: DataAtom): LinkerSymbol {
  return { name: atom.name, put: (l) => l.updateData(atom) };
}

/** One analysis of a function body, waiting for its code (see Compilation.putCompletedBodies). */
interface CompletedBody {
  unit: Unit;
  air: AirFunction;
  data: readonly DataAtom[];
}

/** `Unit.code` of a function put into the linker since its last analysis (see putNow). */
const CODE_IN_LINKER = Symbol('code in the linker');

/**
 * A function whose code went to the linker and was let go (see link), with no AIR to
 * generate it from again: only analysis can give it back.
 */
function codeReleased(u: Unit): boolean {
  return u.kind === 'body' && u.analyzed && !u.outdated && u.functionName !== null && u.code === null && u.air === null && u.errors.length === 0;
}

/** The symbol names a unit has in the linker, as `Unit.linked` keeps them. */
function symbolNames(kept: string | string[] | null): readonly string[] {
  return kept === null ? [] : typeof kept === 'string' ? [kept] : kept;
}

function sameText(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): boolean {
  return aEnd - aStart === bEnd - bStart && rangesEqual(a, aStart, b, bStart, aEnd - aStart);
}

function sameExports(a: readonly ExportEntry[], b: readonly ExportEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.symbolName === b[i].symbolName && e.declName === b[i].declName);
}

function startTimer(): Timer {
  return { start: performance.now() };
}

function elapsed(t: Timer): number {
  return performance.now() - t.start;
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return err instanceof Error ? err.message : String(err);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? hexString(x) : x,
  );
}
