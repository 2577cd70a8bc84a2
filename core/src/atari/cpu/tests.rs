//! Tests of the 6507 against an independent model of Stella 2.4.2's M6502Low behaviour.

use super::*;

// ------------------------------------------------------------------------ test memory

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acc {
    /// read(addr) returned value, with this many cycles counted before it
    R(u16, u8, u64),
    /// write(addr, value), with this many cycles counted before it
    W(u16, u8, u64),
}
use Acc::{R, W};

struct TestMem {
    ram: Vec<u8>,
    log: Vec<Acc>,
    cycles: u64,
}

impl TestMem {
    fn new() -> Self {
        TestMem {
            ram: vec![0; 0x10000],
            log: Vec::new(),
            cycles: 0,
        }
    }
    fn load(&mut self, addr: u16, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            self.ram[addr as usize + i] = *b;
        }
    }
}

impl Memory for TestMem {
    fn read(&mut self, addr: u16) -> u8 {
        let v = self.ram[addr as usize];
        self.log.push(R(addr, v, self.cycles));
        v
    }
    fn write(&mut self, addr: u16, value: u8) {
        assert!(
            matches!(self.log.last(), Some(R(..))),
            "write() must directly follow a read: {:?}",
            self.log
        );
        self.ram[addr as usize] = value;
        self.log.push(W(addr, value, self.cycles));
    }
    fn add_cycles(&mut self, n: u32) {
        self.cycles += n as u64;
    }
    fn write_after_write(&mut self, addr: u16, value: u8) {
        assert!(
            matches!(self.log.last(), Some(W(..))),
            "write_after_write() must directly follow a write: {:?}",
            self.log
        );
        self.ram[addr as usize] = value;
        self.log.push(W(addr, value, self.cycles));
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn byte(&mut self) -> u8 {
        (self.next() >> 24) as u8
    }
}

fn cpu_with(a: u8, x: u8, y: u8, sp: u8, p: u8, pc: u16) -> Cpu {
    let mut c = Cpu::new();
    c.a = a;
    c.x = x;
    c.y = y;
    c.sp = sp;
    c.pc = pc;
    c.set_status(p);
    c
}

// ------------------------------------------------------------------------ opcode matrix
// Written independently from the 6502 opcode matrix (mnemonic + addressing mode).

const MATRIX: [&str; 16] = [
    "BRK - ORA izx KIL - SLO izx NOP zp  ORA zp  ASL zp  SLO zp  PHP - ORA imm ASL acc ANC imm NOP abs ORA abs ASL abs SLO abs",
    "BPL rel ORA izy KIL - SLO izy NOP zpx ORA zpx ASL zpx SLO zpx CLC - ORA aby NOP - SLO aby NOP abx ORA abx ASL abx SLO abx",
    "JSR - AND izx KIL - RLA izx BIT zp  AND zp  ROL zp  RLA zp  PLP - AND imm ROL acc ANC imm BIT abs AND abs ROL abs RLA abs",
    "BMI rel AND izy KIL - RLA izy NOP zpx AND zpx ROL zpx RLA zpx SEC - AND aby NOP - RLA aby NOP abx AND abx ROL abx RLA abx",
    "RTI - EOR izx KIL - SRE izx NOP zp  EOR zp  LSR zp  SRE zp  PHA - EOR imm LSR acc ALR imm JMP abs EOR abs LSR abs SRE abs",
    "BVC rel EOR izy KIL - SRE izy NOP zpx EOR zpx LSR zpx SRE zpx CLI - EOR aby NOP - SRE aby NOP abx EOR abx LSR abx SRE abx",
    "RTS - ADC izx KIL - RRA izx NOP zp  ADC zp  ROR zp  RRA zp  PLA - ADC imm ROR acc ARR imm JMP ind ADC abs ROR abs RRA abs",
    "BVS rel ADC izy KIL - RRA izy NOP zpx ADC zpx ROR zpx RRA zpx SEI - ADC aby NOP - RRA aby NOP abx ADC abx ROR abx RRA abx",
    "NOP imm STA izx NOP imm SAX izx STY zp  STA zp  STX zp  SAX zp  DEY - NOP imm TXA - ANE imm STY abs STA abs STX abs SAX abs",
    "BCC rel STA izy KIL - SHA izy STY zpx STA zpx STX zpy SAX zpy TYA - STA aby TXS - SHS aby SHY abx STA abx SHX aby SHA aby",
    "LDY imm LDA izx LDX imm LAX izx LDY zp  LDA zp  LDX zp  LAX zp  TAY - LDA imm TAX - LXA imm LDY abs LDA abs LDX abs LAX abs",
    "BCS rel LDA izy KIL - LAX izy LDY zpx LDA zpx LDX zpy LAX zpy CLV - LDA aby TSX - LAS aby LDY abx LDA abx LDX aby LAX aby",
    "CPY imm CMP izx NOP imm DCP izx CPY zp  CMP zp  DEC zp  DCP zp  INY - CMP imm DEX - SBX imm CPY abs CMP abs DEC abs DCP abs",
    "BNE rel CMP izy KIL - DCP izy NOP zpx CMP zpx DEC zpx DCP zpx CLD - CMP aby NOP - DCP aby NOP abx CMP abx DEC abx DCP abx",
    "CPX imm SBC izx NOP imm ISB izx CPX zp  SBC zp  INC zp  ISB zp  INX - SBC imm NOP - SBC imm CPX abs SBC abs INC abs ISB abs",
    "BEQ rel SBC izy KIL - ISB izy NOP zpx SBC zpx INC zpx ISB zpx SED - SBC aby NOP - ISB aby NOP abx SBC abx INC abx ISB abx",
];

fn decode(op: u8) -> (&'static str, &'static str) {
    let row: Vec<&'static str> = MATRIX[(op >> 4) as usize].split_whitespace().collect();
    assert_eq!(row.len(), 32, "row {:x}", op >> 4);
    let i = (op & 15) as usize * 2;
    (row[i], row[i + 1])
}

/// Stella's base cycle table, one hex digit per opcode.
const CYCLES: [&str; 16] = [
    "7628335532224466",
    "2528446624274477",
    "6628335542224466",
    "2528446624274477",
    "6628335532223466",
    "2528446624274477",
    "6628335542225466",
    "2528446624274477",
    "2626333322224444",
    "2626444425255555",
    "2626333422224444",
    "2525444424244444",
    "2628335522224466",
    "2528446624274477",
    "2628335522224466",
    "2528446624274477",
];

fn expected_base(op: u8) -> u64 {
    let c = CYCLES[(op >> 4) as usize].as_bytes()[(op & 15) as usize];
    (c - b'0') as u64
}

#[test]
fn cycle_table_matches_reference() {
    for op in 0..=255u8 {
        assert_eq!(
            BASE_CYCLES[op as usize] as u64,
            expected_base(op),
            "opcode {op:02x}"
        );
    }
}

// ------------------------------------------------------------------------ reference model

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct St {
    a: u8,
    x: u8,
    y: u8,
    sp: u8,
    p: u8,
}

const FN: u8 = 0x80;
const FV: u8 = 0x40;
const FD: u8 = 0x08;
const FI: u8 = 0x04;
const FZ: u8 = 0x02;
const FC: u8 = 0x01;

impl St {
    fn of(c: &Cpu) -> St {
        St {
            a: c.a,
            x: c.x,
            y: c.y,
            sp: c.sp,
            p: c.status(),
        }
    }
    fn flag(&self, f: u8) -> bool {
        self.p & f != 0
    }
    fn put(&mut self, f: u8, on: bool) {
        if on {
            self.p |= f
        } else {
            self.p &= !f
        }
    }
    fn nz(&mut self, v: u8) {
        self.put(FN, v >= 0x80);
        self.put(FZ, v == 0);
    }
}

/// Stella-style lookup: [0..256) BCD->binary (truncated to a byte), [256..512) binary->BCD.
/// Indexing `256 + d` with a negative `d` lands in the first half, as in the reference.
fn bcd_tables() -> Vec<u8> {
    let mut t = vec![0u8; 512];
    for i in 0..256usize {
        t[i] = ((i >> 4) * 10 + (i & 15)) as u8;
        t[256 + i] = ((((i % 100) / 10) << 4) | (i % 10)) as u8;
    }
    t
}

fn m_adc(s: &mut St, v: u8) {
    let c = s.flag(FC) as i32;
    let old = s.a;
    if !s.flag(FD) {
        let r = old as i32 + v as i32 + c;
        let res = r as u8;
        // overflow when both inputs have the same sign and the result's sign differs
        s.put(FV, (!(old ^ v) & (old ^ res) & 0x80) != 0);
        s.put(FC, r >= 256);
        s.a = res;
        s.nz(res);
    } else {
        let t = bcd_tables();
        let sum = t[old as usize] as i32 + t[v as usize] as i32 + c;
        s.put(FC, sum >= 100);
        s.a = t[256 + (sum & 0xff) as usize];
        s.nz(s.a);
        s.put(FV, ((old ^ s.a) & 0x80) != 0 && ((s.a ^ v) & 0x80) != 0);
    }
}

fn m_sbc(s: &mut St, v: u8) {
    let c = s.flag(FC) as i32;
    let old = s.a;
    if !s.flag(FD) {
        let r = old as i32 - v as i32 - (1 - c);
        let res = r as u8;
        s.put(FV, ((old ^ v) & (old ^ res) & 0x80) != 0);
        s.put(FC, r >= 0);
        s.a = res;
        s.nz(res);
    } else {
        let t = bcd_tables();
        let mut d = t[old as usize] as i32 - t[v as usize] as i32 - (1 - c);
        if d < 0 {
            d += 100;
        }
        s.a = t[(256 + d) as usize];
        s.nz(s.a);
        s.put(FC, old as i32 >= v as i32 + (1 - c));
        s.put(FV, ((old ^ s.a) & 0x80) != 0 && ((s.a ^ v) & 0x80) != 0);
    }
}

fn m_cmp(s: &mut St, r: u8, v: u8) {
    let d = (r as i32 - v as i32) as u8;
    s.nz(d);
    s.put(FC, r >= v);
}

/// Applies `mn` to state `s` with operand value `v` at effective address `ea`; returns the
/// value written to `ea`, if any.
fn model(mn: &str, s: &mut St, v: u8, ea: u16) -> Option<u8> {
    let carry = s.flag(FC) as u8;
    let hi1 = ((ea >> 8) as u8).wrapping_add(1);
    match mn {
        "ORA" => {
            s.a |= v;
            s.nz(s.a)
        }
        "AND" => {
            s.a &= v;
            s.nz(s.a)
        }
        "EOR" => {
            s.a ^= v;
            s.nz(s.a)
        }
        "ADC" => m_adc(s, v),
        "SBC" => m_sbc(s, v),
        "CMP" => m_cmp(s, s.a, v),
        "CPX" => m_cmp(s, s.x, v),
        "CPY" => m_cmp(s, s.y, v),
        "BIT" => {
            s.put(FZ, s.a & v == 0);
            s.put(FN, v & 0x80 != 0);
            s.put(FV, v & 0x40 != 0);
        }
        "LDA" => {
            s.a = v;
            s.nz(v)
        }
        "LDX" => {
            s.x = v;
            s.nz(v)
        }
        "LDY" => {
            s.y = v;
            s.nz(v)
        }
        "LAX" => {
            s.a = v;
            s.x = v;
            s.nz(v)
        }
        "LAS" => {
            let r = v & s.sp;
            s.a = r;
            s.x = r;
            s.sp = r;
            s.nz(r)
        }
        "NOP" => {}
        "ANC" => {
            s.a &= v;
            s.nz(s.a);
            s.put(FC, s.a & 0x80 != 0)
        }
        "ALR" => {
            let t = s.a & v;
            s.put(FC, t & 1 != 0);
            s.a = t >> 1;
            s.nz(s.a)
        }
        "ARR" => {
            let t = s.a & v;
            let r = (t >> 1) | (carry << 7);
            if !s.flag(FD) {
                s.a = r;
                s.nz(r);
                s.put(FC, r & 0x40 != 0);
                s.put(FV, ((r & 0x40) != 0) != ((r & 0x20) != 0));
            } else {
                s.put(FN, carry != 0);
                s.put(FZ, r == 0);
                s.put(FV, ((t ^ r) & 0x40) != 0);
                let mut a = r;
                if (t & 0x0f) as u32 + (t & 1) as u32 > 5 {
                    a = (a & 0xf0) | ((a as u32 + 6) & 0x0f) as u8;
                }
                let hi_fix = (t & 0xf0) as u32 + (t & 0x10) as u32 > 0x50;
                if hi_fix {
                    a = ((a as u32 + 0x60) & 0xff) as u8;
                }
                s.put(FC, hi_fix);
                s.a = a;
            }
        }
        "ANE" => {
            s.a = (s.a | 0xee) & s.x & v;
            s.nz(s.a)
        }
        "LXA" => {
            s.a = (s.a | 0xee) & v;
            s.x = s.a;
            s.nz(s.a)
        }
        "SBX" => {
            let t = s.a & s.x;
            s.x = t.wrapping_sub(v);
            s.nz(s.x);
            s.put(FC, t >= v)
        }
        "STA" => return Some(s.a),
        "STX" => return Some(s.x),
        "STY" => return Some(s.y),
        "SAX" => return Some(s.a & s.x),
        "SHA" => return Some(s.a & s.x & hi1),
        "SHX" => return Some(s.x & hi1),
        "SHY" => return Some(s.y & hi1),
        "SHS" => {
            s.sp = s.a & s.x;
            return Some(s.a & s.x & hi1);
        }
        "ASL" | "SLO" => {
            let r = v << 1;
            s.put(FC, v & 0x80 != 0);
            if mn == "SLO" {
                s.a |= r;
                s.nz(s.a)
            } else {
                s.nz(r)
            }
            return Some(r);
        }
        "LSR" | "SRE" => {
            let r = v >> 1;
            s.put(FC, v & 1 != 0);
            if mn == "SRE" {
                s.a ^= r;
                s.nz(s.a)
            } else {
                s.nz(r)
            }
            return Some(r);
        }
        "ROL" | "RLA" => {
            let r = (v << 1) | carry;
            s.put(FC, v & 0x80 != 0);
            if mn == "RLA" {
                s.a &= r;
                s.nz(s.a)
            } else {
                s.nz(r)
            }
            return Some(r);
        }
        "ROR" | "RRA" => {
            let r = (v >> 1) | (carry << 7);
            s.put(FC, v & 1 != 0);
            if mn == "RRA" {
                m_adc(s, r)
            } else {
                s.nz(r)
            }
            return Some(r);
        }
        "INC" | "ISB" => {
            let r = v.wrapping_add(1);
            if mn == "ISB" {
                m_sbc(s, r)
            } else {
                s.nz(r)
            }
            return Some(r);
        }
        "DEC" | "DCP" => {
            let r = v.wrapping_sub(1);
            if mn == "DCP" {
                m_cmp(s, s.a, r)
            } else {
                s.nz(r)
            }
            return Some(r);
        }
        // implied / accumulator
        "TAX" => {
            s.x = s.a;
            s.nz(s.x)
        }
        "TAY" => {
            s.y = s.a;
            s.nz(s.y)
        }
        "TXA" => {
            s.a = s.x;
            s.nz(s.a)
        }
        "TYA" => {
            s.a = s.y;
            s.nz(s.a)
        }
        "TSX" => {
            s.x = s.sp;
            s.nz(s.x)
        }
        "TXS" => s.sp = s.x,
        "INX" => {
            s.x = s.x.wrapping_add(1);
            s.nz(s.x)
        }
        "DEX" => {
            s.x = s.x.wrapping_sub(1);
            s.nz(s.x)
        }
        "INY" => {
            s.y = s.y.wrapping_add(1);
            s.nz(s.y)
        }
        "DEY" => {
            s.y = s.y.wrapping_sub(1);
            s.nz(s.y)
        }
        "CLC" => s.put(FC, false),
        "SEC" => s.put(FC, true),
        "CLI" => s.put(FI, false),
        "SEI" => s.put(FI, true),
        "CLV" => s.put(FV, false),
        "CLD" => s.put(FD, false),
        "SED" => s.put(FD, true),
        _ => panic!("no model for {mn}"),
    }
    None
}

fn is_write(mn: &str) -> bool {
    matches!(
        mn,
        "STA" | "STX" | "STY" | "SAX" | "SHA" | "SHX" | "SHY" | "SHS"
    )
}

fn is_rmw(mn: &str) -> bool {
    matches!(
        mn,
        "ASL"
            | "LSR"
            | "ROL"
            | "ROR"
            | "INC"
            | "DEC"
            | "SLO"
            | "RLA"
            | "SRE"
            | "RRA"
            | "DCP"
            | "ISB"
    )
}

/// Runs one randomised case of an opcode with a memory addressing mode (or acc/imp) and
/// checks registers, flags, memory, the exact access sequence and the cycles at each access.
fn check_mode_case(op: u8, rng: &mut Rng) {
    let (mn, mode) = decode(op);
    let pc0: u16 = 0xf000 + (rng.byte() as u16) * 8;
    let (a, x, y, sp, p) = (rng.byte(), rng.byte(), rng.byte(), rng.byte(), rng.byte());
    let v = rng.byte();
    let zp = rng.byte();
    // absolute bases stay clear of page 0/1 and of the code at $F000+
    let base: u16 = 0x0200 + (rng.next() % 0xd000) as u16;
    let mut mem = TestMem::new();
    mem.ram[pc0 as usize] = op;
    let mut cpu = cpu_with(a, x, y, sp, p, pc0);
    let cyc = expected_base(op);
    let mut exp = vec![R(pc0, op, 0)];
    let mut ea: Option<u16> = None;
    let mut pen = 0u64;
    let crosses = |b: u16, e: u16| (b ^ e) & 0xff00 != 0;
    match mode {
        "acc" | "-" => {}
        "imm" => {
            mem.ram[pc0 as usize + 1] = v;
            exp.push(R(pc0 + 1, v, cyc));
        }
        "zp" | "zpx" | "zpy" => {
            mem.ram[pc0 as usize + 1] = zp;
            exp.push(R(pc0 + 1, zp, cyc));
            let idx = match mode {
                "zpx" => x,
                "zpy" => y,
                _ => 0,
            };
            ea = Some(zp.wrapping_add(idx) as u16);
        }
        "abs" | "abx" | "aby" => {
            mem.load(pc0 + 1, &[base as u8, (base >> 8) as u8]);
            exp.push(R(pc0 + 1, base as u8, cyc));
            exp.push(R(pc0 + 2, (base >> 8) as u8, cyc));
            let idx = match mode {
                "abx" => x,
                "aby" => y,
                _ => 0,
            };
            let e = base + idx as u16;
            if idx != 0 && crosses(base, e) {
                pen = 1;
            }
            ea = Some(e);
        }
        "izx" => {
            mem.ram[pc0 as usize + 1] = zp;
            let ptr = zp.wrapping_add(x) as u16;
            // the high byte comes from ptr + 1, NOT wrapped into page 0
            mem.load(ptr, &[base as u8, (base >> 8) as u8]);
            exp.push(R(pc0 + 1, zp, cyc));
            exp.push(R(ptr, base as u8, cyc));
            exp.push(R(ptr + 1, (base >> 8) as u8, cyc));
            ea = Some(base);
        }
        "izy" => {
            mem.ram[pc0 as usize + 1] = zp;
            let ptr = zp as u16;
            mem.load(ptr, &[base as u8, (base >> 8) as u8]);
            exp.push(R(pc0 + 1, zp, cyc));
            exp.push(R(ptr, base as u8, cyc));
            exp.push(R(ptr + 1, (base >> 8) as u8, cyc));
            let e = base + y as u16;
            if crosses(base, e) {
                pen = 1;
            }
            ea = Some(e);
        }
        _ => panic!("mode {mode}"),
    }
    let write = is_write(mn);
    let rmw = is_rmw(mn) && mode != "acc";
    if write || rmw {
        pen = 0; // stores and RMW never pay the page-cross cycle
    }
    if let Some(e) = ea {
        mem.ram[e as usize] = v;
    }
    // model
    let mut st = St::of(&cpu);
    let written;
    if mode == "acc" {
        let acc = st.a;
        let r = model(mn, &mut st, acc, 0).expect("acc op writes");
        st.a = r;
        written = None;
    } else {
        written = model(mn, &mut st, v, ea.unwrap_or(0));
    }
    match (ea, write, rmw) {
        (Some(e), false, false) => exp.push(R(e, v, cyc + pen)),
        (Some(e), true, false) => exp.push(W(e, written.unwrap(), cyc)),
        (Some(e), false, true) => {
            exp.push(R(e, v, cyc));
            exp.push(W(e, written.unwrap(), cyc));
        }
        (None, _, _) => {}
        _ => unreachable!(),
    }
    let len = match mode {
        "acc" | "-" => 1,
        "imm" | "zp" | "zpx" | "zpy" | "izx" | "izy" => 2,
        _ => 3,
    };
    assert!(cpu.step(&mut mem), "{op:02x} jammed");
    let ctx = format!("op {op:02x} {mn} {mode} a={a:02x} x={x:02x} y={y:02x} p={p:02x} v={v:02x}");
    assert_eq!(mem.log, exp, "{ctx}");
    assert_eq!(mem.cycles, cyc + pen, "{ctx}");
    assert_eq!(St::of(&cpu), st, "{ctx}");
    assert_eq!(cpu.pc, pc0 + len, "{ctx}");
    assert!(!cpu.jammed);
}

const SPECIAL: [&str; 12] = [
    "BRK", "JSR", "RTI", "RTS", "PHA", "PHP", "PLA", "PLP", "JMP", "KIL", "BPL", "BMI",
];

fn is_special(mn: &str, mode: &str) -> bool {
    SPECIAL.contains(&mn) || mode == "rel"
}

#[test]
fn every_mode_opcode_against_model() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut covered = 0;
    for op in 0..=255u8 {
        let (mn, mode) = decode(op);
        if is_special(mn, mode) {
            continue;
        }
        covered += 1;
        for _ in 0..3000 {
            check_mode_case(op, &mut rng);
        }
    }
    // 256 - 12 KIL - 8 branches - BRK JSR RTI RTS PHA PHP PLA PLP - 2 JMP
    assert_eq!(covered, 256 - 12 - 8 - 10);
}

// ------------------------------------------------------------------------ branches

#[test]
fn branches_taken_not_taken_and_page_cross() {
    let mut rng = Rng(12345);
    let conds: [(u8, u8, bool); 8] = [
        (0x10, FN, false),
        (0x30, FN, true),
        (0x50, FV, false),
        (0x70, FV, true),
        (0x90, FC, false),
        (0xb0, FC, true),
        (0xd0, FZ, false),
        (0xf0, FZ, true),
    ];
    for &(op, flag, when_set) in &conds {
        let mut seen = [false; 3];
        for _ in 0..2000 {
            let pc0 = 0x1000 + (rng.next() % 0xd000) as u16;
            let off = rng.byte();
            let p = rng.byte();
            let mut mem = TestMem::new();
            mem.load(pc0, &[op, off]);
            let mut cpu = cpu_with(1, 2, 3, 0xfd, p, pc0);
            let before = St::of(&cpu);
            assert!(cpu.step(&mut mem));
            let next = pc0 + 2;
            let taken = (p & flag != 0) == when_set;
            let target = next.wrapping_add(off as i8 as i16 as u16);
            let extra = if !taken {
                0
            } else if (next ^ target) & 0xff00 != 0 {
                2
            } else {
                1
            };
            seen[extra as usize] = true;
            assert_eq!(mem.log, vec![R(pc0, op, 0), R(pc0 + 1, off, 2)]);
            assert_eq!(mem.cycles, 2 + extra);
            assert_eq!(cpu.pc, if taken { target } else { next });
            assert_eq!(St::of(&cpu), before);
        }
        assert_eq!(seen, [true; 3], "op {op:02x}");
    }
}

#[test]
fn branch_penalty_comes_after_offset_read() {
    // BNE -128 from $1080: target $1002 same page -> +1; from $1000 -> $0F82 -> +2.
    let mut mem = TestMem::new();
    mem.load(0x107e, &[0xd0, 0x80]);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x107e);
    cpu.step(&mut mem);
    assert_eq!(cpu.pc, 0x1000);
    assert_eq!(mem.cycles, 3);
    let mut mem = TestMem::new();
    mem.load(0x0ffe, &[0xd0, 0x80]);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x0ffe);
    cpu.step(&mut mem);
    assert_eq!(cpu.pc, 0x0f80);
    assert_eq!(mem.cycles, 4);
    // the next instruction's fetch sees all penalties
    mem.ram[0x0f80] = 0xea;
    cpu.step(&mut mem);
    assert_eq!(mem.log.last(), Some(&R(0x0f80, 0xea, 4)));
    assert_eq!(mem.cycles, 6);
}

// ------------------------------------------------------------------------ addressing quirks

#[test]
fn page_cross_penalty_precedes_data_read() {
    // LDA $12F0,X with X=$20: data read at $1310 sees base 4 + 1.
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xbd, 0xf0, 0x12]);
    mem.ram[0x1310] = 0x42;
    let mut cpu = cpu_with(0, 0x20, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x2000, 0xbd, 0),
            R(0x2001, 0xf0, 4),
            R(0x2002, 0x12, 4),
            R(0x1310, 0x42, 5)
        ]
    );
    assert_eq!(cpu.a, 0x42);
    // STA $12F0,X: no penalty, 5 cycles, one write, no dummy read
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0x9d, 0xf0, 0x12]);
    let mut cpu = cpu_with(0x77, 0x20, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x2000, 0x9d, 0),
            R(0x2001, 0xf0, 5),
            R(0x2002, 0x12, 5),
            W(0x1310, 0x77, 5)
        ]
    );
    // INC $12F0,X: 7 cycles, read then write, no extra write
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xfe, 0xf0, 0x12]);
    mem.ram[0x1310] = 0xff;
    let mut cpu = cpu_with(0, 0x20, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x2000, 0xfe, 0),
            R(0x2001, 0xf0, 7),
            R(0x2002, 0x12, 7),
            R(0x1310, 0xff, 7),
            W(0x1310, 0x00, 7)
        ]
    );
    assert!(cpu.z() && !cpu.n());
    // NOP $12F0,X (0x1C) reads its operand and pays the penalty too
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0x1c, 0xf0, 0x12]);
    let mut cpu = cpu_with(0, 0x20, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(mem.log.last(), Some(&R(0x1310, 0, 5)));
    assert_eq!(mem.cycles, 5);
    // abs,X wrapping past $FFFF
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xbd, 0xf0, 0xff]);
    let mut cpu = cpu_with(0, 0x20, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(mem.log.last(), Some(&R(0x0010, 0, 5)));
}

#[test]
fn zero_page_index_wraps_and_pointer_high_byte_does_not() {
    // LDA $F0,X with X=$20 reads $0010
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xb5, 0xf0]);
    let mut cpu = cpu_with(0, 0x20, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(mem.log.last(), Some(&R(0x0010, 0, 4)));
    // LDX $F0,Y with Y=$11 reads $0001
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xb6, 0xf0]);
    let mut cpu = cpu_with(0, 0, 0x11, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(mem.log.last(), Some(&R(0x0001, 0, 4)));
    // LDA ($F0,X) with X=$0F: pointer $FF, high byte read at $0100 (not $0000)
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xa1, 0xf0]);
    mem.ram[0x00ff] = 0x34;
    mem.ram[0x0100] = 0x12;
    mem.ram[0x0000] = 0x99;
    mem.ram[0x1234] = 0x5a;
    let mut cpu = cpu_with(0, 0x0f, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x2000, 0xa1, 0),
            R(0x2001, 0xf0, 6),
            R(0x00ff, 0x34, 6),
            R(0x0100, 0x12, 6),
            R(0x1234, 0x5a, 6)
        ]
    );
    assert_eq!(cpu.a, 0x5a);
    // ($10,X) with X=$F5 wraps the pointer itself to $05
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xa1, 0x10]);
    let mut cpu = cpu_with(0, 0xf5, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(mem.log[2], R(0x0005, 0, 6));
    assert_eq!(mem.log[3], R(0x0006, 0, 6));
    // LDA ($FF),Y: high byte at $0100 as well; penalty before data read
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0xb1, 0xff]);
    mem.ram[0x00ff] = 0xf0;
    mem.ram[0x0100] = 0x12;
    mem.ram[0x1300] = 0x66;
    let mut cpu = cpu_with(0, 0, 0x10, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x2000, 0xb1, 0),
            R(0x2001, 0xff, 5),
            R(0x00ff, 0xf0, 5),
            R(0x0100, 0x12, 5),
            R(0x1300, 0x66, 6)
        ]
    );
    assert_eq!(mem.cycles, 6);
}

#[test]
fn jmp_absolute_and_indirect_page_bug() {
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0x4c, 0x34, 0x12]);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(cpu.pc, 0x1234);
    assert_eq!(mem.cycles, 3);
    assert_eq!(mem.log.len(), 3);
    // JMP ($12FF): low from $12FF, high from $1200
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0x6c, 0xff, 0x12]);
    mem.ram[0x12ff] = 0x78;
    mem.ram[0x1200] = 0x56;
    mem.ram[0x1300] = 0x99;
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x2000, 0x6c, 0),
            R(0x2001, 0xff, 5),
            R(0x2002, 0x12, 5),
            R(0x12ff, 0x78, 5),
            R(0x1200, 0x56, 5)
        ]
    );
    assert_eq!(cpu.pc, 0x5678);
    // JMP ($1280): normal
    let mut mem = TestMem::new();
    mem.load(0x2000, &[0x6c, 0x80, 0x12]);
    mem.load(0x1280, &[0xcd, 0xab]);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x2000);
    cpu.step(&mut mem);
    assert_eq!(cpu.pc, 0xabcd);
}

// ------------------------------------------------------------------------ stack instructions

#[test]
fn jsr_rts_stack_and_accesses() {
    let mut mem = TestMem::new();
    mem.load(0x1ffd, &[0x20, 0x34, 0x12]); // JSR $1234 at $1FFD
    mem.ram[0x1234] = 0x60; // RTS
    let mut cpu = cpu_with(0, 0, 0, 0xf0, 0, 0x1ffd);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x1ffd, 0x20, 0),
            R(0x1ffe, 0x34, 6),
            R(0x01f0, 0, 6),
            W(0x01f0, 0x1f, 6),
            W(0x01ef, 0xff, 6),
            R(0x1fff, 0x12, 6)
        ]
    );
    assert_eq!(cpu.pc, 0x1234);
    assert_eq!(cpu.sp, 0xee);
    mem.log.clear();
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x1234, 0x60, 6),
            R(0x01ee, 0, 12),
            R(0x01ef, 0xff, 12),
            R(0x01f0, 0x1f, 12),
            R(0x1fff, 0x12, 12)
        ]
    );
    assert_eq!(cpu.pc, 0x2000);
    assert_eq!(cpu.sp, 0xf0);
    assert_eq!(mem.cycles, 12);
}

#[test]
fn brk_and_rti() {
    let mut mem = TestMem::new();
    mem.load(0x1500, &[0x00, 0xaa]);
    mem.load(0xfffe, &[0x00, 0x18]);
    mem.ram[0x1800] = 0x40; // RTI
                            // D set, I clear, C set: BRK pushes with B and bit 5 set, sets I, keeps D
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0x09, 0x1500);
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x1500, 0x00, 0),
            R(0x1501, 0xaa, 7),
            W(0x01ff, 0x15, 7),
            W(0x01fe, 0x02, 7),
            W(0x01fd, 0x39, 7),
            R(0xfffe, 0x00, 7),
            R(0xffff, 0x18, 7)
        ]
    );
    assert_eq!(cpu.pc, 0x1800);
    assert_eq!(cpu.sp, 0xfc);
    assert!(cpu.i() && cpu.d() && cpu.c);
    mem.log.clear();
    cpu.step(&mut mem);
    assert_eq!(
        mem.log,
        vec![
            R(0x1800, 0x40, 7),
            R(0x01fc, 0, 13),
            R(0x01fd, 0x39, 13),
            R(0x01fe, 0x02, 13),
            R(0x01ff, 0x15, 13)
        ]
    );
    assert_eq!(cpu.pc, 0x1502); // RTI does not adjust the address
    assert_eq!(cpu.sp, 0xff);
    assert_eq!(cpu.status(), 0x39);
    assert_eq!(mem.cycles, 13);
}

#[test]
fn push_pull_and_stack_wrap() {
    // PHA with SP=0 writes $0100 and wraps to $FF
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0x48, 0x08, 0x68, 0x28]);
    let mut cpu = cpu_with(0x80, 0, 0, 0x00, 0xc3, 0x1000);
    cpu.step(&mut mem);
    assert_eq!(mem.log[1], W(0x0100, 0x80, 3));
    assert_eq!(cpu.sp, 0xff);
    cpu.step(&mut mem); // PHP
    assert_eq!(mem.log[3], W(0x01ff, 0xf3, 6));
    assert_eq!(cpu.sp, 0xfe);
    cpu.a = 0;
    cpu.set_status(0);
    cpu.step(&mut mem); // PLA: dummy read at $01FE, then $01FF
    assert_eq!(mem.log[5..], [R(0x01fe, 0, 10), R(0x01ff, 0xf3, 10)]);
    assert_eq!(cpu.a, 0xf3);
    assert!(cpu.n() && !cpu.z());
    cpu.sp = 0xfe;
    mem.ram[0x01ff] = 0x00;
    cpu.step(&mut mem); // PLP
    assert_eq!(mem.log[8..], [R(0x01fe, 0, 14), R(0x01ff, 0x00, 14)]);
    assert_eq!(cpu.status(), 0x30, "B and bit 5 always read as set");
    assert_eq!(mem.cycles, 14);
    // pulling with SP=$FF wraps to $00
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0x68]);
    mem.ram[0x0100] = 0x00;
    let mut cpu = cpu_with(0x55, 0, 0, 0xff, 0, 0x1000);
    cpu.step(&mut mem);
    assert_eq!(mem.log[1..], [R(0x01ff, 0, 4), R(0x0100, 0, 4)]);
    assert_eq!(cpu.sp, 0x00);
    assert!(cpu.z());
}

// ------------------------------------------------------------------------ reset and jam

#[test]
fn reset_state() {
    let mut mem = TestMem::new();
    mem.load(0xfffc, &[0x34, 0xf2]);
    let mut cpu = cpu_with(9, 9, 9, 9, 0xff, 0);
    cpu.jammed = true;
    cpu.reset(&mut mem);
    assert_eq!(mem.log, vec![R(0xfffc, 0x34, 0), R(0xfffd, 0xf2, 0)]);
    assert_eq!(
        (cpu.a, cpu.x, cpu.y, cpu.sp, cpu.pc),
        (0, 0, 0, 0xff, 0xf234)
    );
    assert_eq!(cpu.status(), 0x30);
    assert!(!cpu.jammed);
    assert_eq!(mem.cycles, 0);
}

#[test]
fn kil_opcodes_jam_for_good() {
    let kil = [
        0x02u8, 0x12, 0x22, 0x32, 0x42, 0x52, 0x62, 0x72, 0x92, 0xb2, 0xd2, 0xf2,
    ];
    for op in 0..=255u8 {
        assert_eq!(kil.contains(&op), decode(op).0 == "KIL");
    }
    for &op in &kil {
        let mut mem = TestMem::new();
        mem.load(0x1000, &[op, 0xea]);
        let mut cpu = cpu_with(1, 2, 3, 0xfd, 0, 0x1000);
        assert!(cpu.step(&mut mem));
        assert!(cpu.jammed);
        assert_eq!(mem.log, vec![R(0x1000, op, 0)]);
        assert_eq!(mem.cycles, 2);
        assert_eq!(cpu.pc, 0x1001);
        for _ in 0..3 {
            assert!(!cpu.step(&mut mem));
        }
        assert_eq!(mem.log.len(), 1);
        assert_eq!(mem.cycles, 2);
        assert_eq!(cpu.pc, 0x1001);
    }
}

// ------------------------------------------------------------------------ arithmetic

fn run_imm(op: u8, a: u8, v: u8, p: u8) -> Cpu {
    let mut mem = TestMem::new();
    mem.load(0x1000, &[op, v]);
    let mut cpu = cpu_with(a, 0, 0, 0xff, p, 0x1000);
    cpu.step(&mut mem);
    cpu
}

#[test]
fn adc_sbc_exhaustive_against_model() {
    for d in [false, true] {
        for c in [false, true] {
            let p = ((d as u8) * FD) | c as u8;
            for a in 0..=255u8 {
                for v in 0..=255u8 {
                    for (op, f) in [(0x69u8, m_adc as fn(&mut St, u8)), (0xe9, m_sbc)] {
                        let cpu = run_imm(op, a, v, p);
                        let mut st = St {
                            a,
                            x: 0,
                            y: 0,
                            sp: 0xff,
                            p: p | 0x30,
                        };
                        f(&mut st, v);
                        assert_eq!(
                            St::of(&cpu),
                            st,
                            "op {op:02x} a={a:02x} v={v:02x} p={p:02x}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn decimal_known_values() {
    let adc = |a, v, c: bool| {
        let cpu = run_imm(0x69, a, v, FD | c as u8);
        (cpu.a, cpu.c, cpu.z(), cpu.n(), cpu.v)
    };
    let sbc = |a, v, c: bool| {
        let cpu = run_imm(0xe9, a, v, FD | c as u8);
        (cpu.a, cpu.c, cpu.z(), cpu.n(), cpu.v)
    };
    // (A, C, Z, N, V)
    assert_eq!(adc(0x09, 0x01, false), (0x10, false, false, false, false));
    assert_eq!(adc(0x58, 0x46, true), (0x05, true, false, false, false));
    assert_eq!(adc(0x99, 0x01, false), (0x00, true, true, false, false));
    assert_eq!(adc(0x50, 0x50, false), (0x00, true, true, false, false));
    assert_eq!(adc(0x79, 0x00, true), (0x80, false, false, true, true));
    assert_eq!(adc(0x12, 0x34, false), (0x46, false, false, false, false));
    // invalid BCD: $0F is 15, $FF is 165 ; 165+165+1 = 331 -> byte 75 -> $75, carry
    assert_eq!(adc(0x0f, 0x01, false), (0x16, false, false, false, false));
    assert_eq!(adc(0xff, 0xff, true).0, 0x75);
    assert_eq!(sbc(0x46, 0x12, true), (0x34, true, false, false, false));
    assert_eq!(sbc(0x40, 0x13, true), (0x27, true, false, false, false));
    assert_eq!(sbc(0x32, 0x02, false), (0x29, true, false, false, false));
    assert_eq!(sbc(0x00, 0x01, true), (0x99, false, false, true, true));
    assert_eq!(sbc(0x12, 0x21, true), (0x91, false, false, true, true));
    assert_eq!(sbc(0x00, 0x00, true), (0x00, true, true, false, false));
    // still negative after +100 (non-BCD operand): 0 - 165 - 1 + 100 = -66, which the
    // reference looks up at BCD->binary[190] = 11*10 + 14 = 124 = $7C
    assert_eq!(sbc(0x00, 0xff, false).0, 0x7c);
    // binary mode sanity
    let cpu = run_imm(0x69, 0x7f, 0x01, 0);
    assert_eq!((cpu.a, cpu.v, cpu.n(), cpu.c), (0x80, true, true, false));
    let cpu = run_imm(0xe9, 0x80, 0x01, FC);
    assert_eq!((cpu.a, cpu.v, cpu.n(), cpu.c), (0x7f, true, false, true));
}

#[test]
fn arr_exhaustive_against_model() {
    for p in [0u8, FC, FD, FD | FC] {
        for a in 0..=255u8 {
            for v in 0..=255u8 {
                let cpu = run_imm(0x6b, a, v, p);
                let mut st = St {
                    a,
                    x: 0,
                    y: 0,
                    sp: 0xff,
                    p: p | 0x30,
                };
                model("ARR", &mut st, v, 0);
                assert_eq!(St::of(&cpu), st, "a={a:02x} v={v:02x} p={p:02x}");
            }
        }
    }
}

#[test]
fn undocumented_spot_checks() {
    // SHA ($20),Y  : A & X & (hi + 1) -> $12 + 1 = $13
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0x93, 0x20]);
    mem.load(0x0020, &[0x00, 0x12]);
    let mut cpu = cpu_with(0xff, 0xf7, 0x05, 0xff, 0, 0x1000);
    cpu.step(&mut mem);
    assert_eq!(mem.log.last(), Some(&W(0x1205, 0x13, 6)));
    // SHS abs,Y sets SP = A & X
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0x9b, 0x00, 0xff]);
    let mut cpu = cpu_with(0xf0, 0x3c, 0x01, 0x00, 0, 0x1000);
    cpu.step(&mut mem);
    assert_eq!(cpu.sp, 0x30);
    assert_eq!(mem.log.last(), Some(&W(0xff01, 0x00, 5))); // hi $FF + 1 -> 0
                                                           // LAX zp takes 4 cycles in Stella's table
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0xa7, 0x80]);
    mem.ram[0x80] = 0x81;
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x1000);
    cpu.step(&mut mem);
    assert_eq!((cpu.a, cpu.x, cpu.n()), (0x81, 0x81, true));
    assert_eq!(mem.cycles, 4);
    // DCP / ISB on memory
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0xc7, 0x80, 0xe7, 0x81]);
    mem.ram[0x80] = 0x11;
    mem.ram[0x81] = 0x0f;
    let mut cpu = cpu_with(0x10, 0, 0, 0xff, FC, 0x1000);
    cpu.step(&mut mem);
    assert_eq!(mem.ram[0x80], 0x10);
    assert!(cpu.z() && cpu.c);
    cpu.step(&mut mem);
    assert_eq!(mem.ram[0x81], 0x10);
    assert_eq!(cpu.a, 0x00);
    assert_eq!(mem.cycles, 10);
}

#[test]
fn long_program_counts_cycles() {
    // A small loop: LDX #5; loop: DEX; BNE loop; BRK-free end with KIL.
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0xa2, 0x05, 0xca, 0xd0, 0xfd, 0x02]);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x1000);
    let steps = cpu.run(&mut mem, 100, |_| false);
    // LDX 2 + 5*DEX 2 + 4 taken BNE 3 + 1 untaken BNE 2 + KIL 2
    assert_eq!(mem.cycles, 2 + 10 + 12 + 2 + 2);
    assert_eq!(steps, 1 + 5 + 5 + 1);
    assert_eq!(cpu.pc, 0x1006);
}

/// Decimal-mode ADC/SBC/ARR results recorded from the real ALE 0.12.1 binary (a test ROM ran
/// `PLP` with D set and the given carry, `LDA #a`, the opcode with `#v`, then stored A and
/// PHP's byte). Includes non-BCD operands, where the reference's table lookups go off the end.
/// (opcode, a, v, carry in, A out, P out)
const ALE_DECIMAL: [(u8, u8, u8, u8, u8, u8); 40] = [
    (0xe9, 0x00, 0xff, 0, 0x7c, 0x38),
    (0xe9, 0x00, 0xff, 1, 0x7d, 0x38),
    (0xe9, 0x00, 0xfa, 0, 0x7b, 0x38),
    (0xe9, 0x05, 0xcf, 1, 0x8e, 0xb8),
    (0x69, 0xff, 0xff, 1, 0x75, 0x79),
    (0x69, 0x0f, 0x0f, 0, 0x30, 0x38),
    (0x69, 0x99, 0x99, 1, 0x99, 0xb9),
    (0x69, 0x79, 0x00, 1, 0x80, 0xf8),
    (0xe9, 0x00, 0x01, 1, 0x99, 0xf8),
    (0xe9, 0x12, 0x21, 1, 0x91, 0xf8),
    (0xe9, 0xa0, 0x0b, 0, 0x88, 0xb9),
    (0x6b, 0x3c, 0xb7, 1, 0x9a, 0xb8),
    (0x6b, 0x7f, 0xff, 0, 0x95, 0x79),
    (0x6b, 0xff, 0xff, 1, 0x55, 0xb9),
    (0x6b, 0xa5, 0x4d, 1, 0x88, 0xb8),
    (0xe9, 0x18, 0x25, 0, 0x92, 0xf8),
    (0x69, 0x1d, 0x6d, 0, 0x96, 0xf8),
    (0x69, 0xde, 0xd6, 0, 0x24, 0x79),
    (0x6b, 0x2e, 0xd9, 0, 0x0a, 0x38),
    (0x6b, 0x3f, 0x72, 0, 0x19, 0x38),
    (0x69, 0xcb, 0x19, 0, 0x50, 0x39),
    (0x69, 0x44, 0x94, 1, 0x39, 0x39),
    (0x69, 0x3c, 0x9d, 0, 0x45, 0x39),
    (0x6b, 0x60, 0xbe, 0, 0x10, 0x38),
    (0xe9, 0x20, 0x1e, 0, 0x95, 0xf9),
    (0x6b, 0xda, 0xa0, 1, 0x20, 0xf9),
    (0x69, 0xe8, 0xb9, 1, 0x12, 0x79),
    (0x6b, 0x5c, 0x7c, 0, 0x84, 0x79),
    (0x6b, 0x99, 0xfd, 1, 0x22, 0xf9),
    (0x69, 0xe5, 0x93, 0, 0x38, 0x79),
    (0x69, 0xd6, 0x54, 1, 0x91, 0xb9),
    (0x6b, 0xfa, 0xd7, 0, 0xc9, 0x39),
    (0x6b, 0x27, 0xa0, 1, 0x90, 0xb8),
    (0x69, 0xb3, 0xfe, 1, 0x22, 0x79),
    (0x6b, 0x2f, 0x8a, 1, 0x8b, 0xb8),
    (0x6b, 0x21, 0x1f, 1, 0x80, 0xb8),
    (0x6b, 0xe4, 0x91, 1, 0x20, 0xf9),
    (0xe9, 0xb1, 0x0b, 1, 0x00, 0x3b),
    (0x69, 0x56, 0x3b, 1, 0x98, 0xf8),
    (0x6b, 0x6f, 0x93, 0, 0x01, 0x38),
];

#[test]
fn decimal_results_recorded_from_ale() {
    for &(op, a, v, c, ra, rp) in &ALE_DECIMAL {
        let cpu = run_imm(op, a, v, FD | c);
        assert_eq!(
            (cpu.a, cpu.status()),
            (ra, rp),
            "op {op:02x} a={a:02x} v={v:02x} c={c}"
        );
    }
}

/// Rough speed check: `cargo test --release -p qarcade-core --lib cpu_speed -- --ignored --nocapture`
#[test]
#[ignore]
fn cpu_speed() {
    struct Flat {
        ram: Vec<u8>,
        cycles: u64,
    }
    impl Memory for Flat {
        #[inline]
        fn read(&mut self, addr: u16) -> u8 {
            self.ram[(addr & 0x1fff) as usize]
        }
        #[inline]
        fn write(&mut self, addr: u16, value: u8) {
            self.ram[(addr & 0x1fff) as usize] = value;
        }
        #[inline]
        fn add_cycles(&mut self, n: u32) {
            self.cycles += n as u64;
        }
    }
    let mut m = Flat {
        ram: vec![0; 0x2000],
        cycles: 0,
    };
    // loop: LDA $80,X; ADC #1; STA $80,X; INX; CPX #$20; BNE loop; LDX #0; JMP loop
    let prog = [
        0xb5, 0x80, 0x69, 0x01, 0x95, 0x80, 0xe8, 0xe0, 0x20, 0xd0, 0xf5, 0xa2, 0x00, 0x4c, 0x00,
        0x10,
    ];
    m.ram[0x1000..0x1000 + prog.len()].copy_from_slice(&prog);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x1000);
    if std::env::var("CPU_SPEED_NOPS").is_ok() {
        m.ram.fill(0xea);
    }
    let n = 50_000_000u64;
    let t = std::time::Instant::now();
    if std::env::var("CPU_SPEED_STEP").is_ok() {
        for _ in 0..n {
            cpu.step(&mut m);
        }
    } else {
        cpu.run(&mut m, n as u32, |_| false);
    }
    let dt = t.elapsed();
    println!(
        "{:.2} ns/instruction, {:.1} us per 20k-instruction frame (cycles {})",
        dt.as_nanos() as f64 / n as f64,
        dt.as_nanos() as f64 / n as f64 * 20_000.0 / 1000.0,
        m.cycles
    );
}

#[test]
fn run_stops_on_request_and_limit() {
    // INC $80 forever: stop once $80 reaches 3, or after the limit
    let mut mem = TestMem::new();
    mem.load(0x1000, &[0xe6, 0x80, 0x4c, 0x00, 0x10]);
    let mut cpu = cpu_with(0, 0, 0, 0xff, 0, 0x1000);
    let n = cpu.run(&mut mem, 1000, |m| m.ram[0x80] == 3);
    assert_eq!(n, 5); // INC, JMP, INC, JMP, INC
    assert_eq!(mem.cycles, 5 + 3 + 5 + 3 + 5);
    let n = cpu.run(&mut mem, 4, |_| false);
    assert_eq!(n, 4);
    assert_eq!(mem.ram[0x80], 5);
}

/// Every instruction that does not end a run moves the PC past exactly its `OP_LEN` bytes,
/// and the ones that end a run are the ones that can go anywhere else.
#[test]
fn run_kinds_and_lengths() {
    use crate::atari::fast::run_step::{RunKind, OP_LEN, RUN_KIND};
    let mut rng = Rng(0x5eed);
    for op in 0..=255u8 {
        for _ in 0..64 {
            let mut m = TestMem::new();
            for b in m.ram.iter_mut() {
                *b = rng.next() as u8;
            }
            let pc = 0x1000 + (rng.next() as u16 & 0x0fff);
            m.ram[pc as usize] = op;
            let mut cpu = Cpu::new();
            cpu.pc = pc;
            cpu.a = rng.next() as u8;
            cpu.x = rng.next() as u8;
            cpu.y = rng.next() as u8;
            cpu.sp = rng.next() as u8;
            cpu.set_status(rng.next() as u8);
            cpu.step(&mut m);
            let moved = cpu.pc.wrapping_sub(pc);
            match RUN_KIND[op as usize] {
                RunKind::Straight => assert_eq!(moved, OP_LEN[op as usize] as u16, "{op:02x}"),
                RunKind::Jam => assert!(cpu.jammed, "{op:02x}"),
                RunKind::Control => assert!(!cpu.jammed, "{op:02x}"),
            }
        }
    }
}
