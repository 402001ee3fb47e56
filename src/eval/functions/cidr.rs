//! CIDR functions: `cidrhost`, `cidrnetmask`, `cidrsubnet` and `cidrsubnets`, with exact
//! arithmetic on u128 for both IPv4 and IPv6.

use super::args::{arity, fail, invalid, to_big_int, to_int, to_str, Res};
use crate::eval::value::Value;
use std::fmt::Display;
use std::net::{Ipv4Addr, Ipv6Addr};

#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    prefix: u32,
    /// 32 or 128.
    bits: u32,
}

fn all_ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The host part of a `prefix`-bit network in a `bits`-bit address.
fn host_mask(prefix: u32, bits: u32) -> u128 {
    all_ones(bits).checked_shr(prefix).unwrap_or(0)
}

fn family(bits: u32) -> &'static str {
    if bits == 32 {
        "IPv4"
    } else {
        "IPv6"
    }
}

fn plural(n: impl Display + PartialEq<i64> + Copy, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Dotted IPv4 as Go reads it: four decimal parts up to 255, leading zeros allowed.
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut addr = 0u32;
    let mut parts = 0;
    for part in s.split('.') {
        parts += 1;
        if parts > 4 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = part.trim_start_matches('0').parse().unwrap_or(0);
        if part.trim_start_matches('0').len() > 3 || v > 255 {
            return None;
        }
        addr = (addr << 8) | v;
    }
    (parts == 4).then_some(addr)
}

fn parse_cidr(s: &str) -> Res<Net> {
    let bad = || {
        fail(format!(
            "invalid CIDR expression: invalid CIDR address: {s}"
        ))
    };
    let Some((ip, len)) = s.split_once('/') else {
        return bad();
    };
    let (addr, bits) = if let Some(a) = parse_ipv4(ip) {
        (u128::from(a), 32)
    } else if let Ok(a) = ip.parse::<Ipv6Addr>() {
        (u128::from(a), 128)
    } else {
        return bad();
    };
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return bad();
    }
    let digits = len.trim_start_matches('0');
    let prefix: u32 = if digits.is_empty() {
        0
    } else if digits.len() > 3 {
        return bad();
    } else {
        digits.parse().unwrap_or(u32::MAX)
    };
    if prefix > bits {
        return bad();
    }
    Ok(Net {
        addr: addr & !host_mask(prefix, bits) & all_ones(bits),
        prefix,
        bits,
    })
}

fn is_v4_mapped(addr: u128) -> bool {
    addr >> 32 == 0xffff
}

/// An address as Terraform prints it (IPv4-mapped IPv6 addresses in dotted form, as Go does).
fn fmt_addr(addr: u128, bits: u32) -> String {
    if bits == 32 || is_v4_mapped(addr) {
        Ipv4Addr::from(addr as u32).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

fn fmt_net(net: Net) -> String {
    if net.bits == 128 && is_v4_mapped(net.addr) && net.prefix >= 96 {
        format!("{}/{}", Ipv4Addr::from(net.addr as u32), net.prefix - 96)
    } else {
        format!("{}/{}", fmt_addr(net.addr, net.bits), net.prefix)
    }
}

pub(super) fn cidrsubnet(args: &[Value]) -> Res<Value> {
    arity(args, 3, 3)?;
    let prefix = to_str(&args[0], "prefix")?;
    let newbits = to_int(&args[1], "newbits")?;
    let netnum = to_big_int(&args[2], "netnum")?;
    let net = parse_cidr(&prefix)?;
    if newbits < 0 {
        return Err(invalid(
            "newbits",
            format!("must not be negative, got {newbits}"),
        ));
    }
    let new_prefix = i64::from(net.prefix) + newbits;
    if new_prefix > i64::from(net.bits) {
        return fail(format!(
            "prefix extension of {} would make a prefix of {}, which is too long for an {} address",
            plural(newbits, "bit"),
            plural(new_prefix, "bit"),
            family(net.bits)
        ));
    }
    let new_prefix = new_prefix as u32;
    if netnum < 0 || netnum as u128 > all_ones(newbits as u32) {
        return fail(format!(
            "prefix extension of {} does not accommodate a subnet numbered {netnum}",
            plural(newbits, "bit")
        ));
    }
    let shift = net.bits - new_prefix;
    let addr = net.addr | (netnum as u128).checked_shl(shift).unwrap_or(0);
    Ok(Value::String(fmt_net(Net {
        addr,
        prefix: new_prefix,
        bits: net.bits,
    })))
}

pub(super) fn cidrhost(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let prefix = to_str(&args[0], "prefix")?;
    let hostnum = to_big_int(&args[1], "hostnum")?;
    let net = parse_cidr(&prefix)?;
    let max = host_mask(net.prefix, net.bits);
    let too_big = || {
        fail(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            net.prefix
        ))
    };
    let host = if hostnum < 0 {
        // -1 is the last address, -2 the one before, …
        let back = (-(hostnum + 1)) as u128;
        if back > max {
            return too_big();
        }
        max - back
    } else {
        let h = hostnum as u128;
        if h > max {
            return too_big();
        }
        h
    };
    Ok(Value::String(fmt_addr(net.addr | host, net.bits)))
}

pub(super) fn cidrnetmask(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let prefix = to_str(&args[0], "prefix")?;
    let net = parse_cidr(&prefix)?;
    if net.bits != 32 {
        return fail(format!("IPv6 addresses cannot have a netmask: {prefix}"));
    }
    let mask = all_ones(32) & !host_mask(net.prefix, 32);
    Ok(Value::String(Ipv4Addr::from(mask as u32).to_string()))
}

pub(super) fn cidrsubnets(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let prefix = to_str(&args[0], "prefix")?;
    let mut newbits = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        newbits.push(to_int(a, "newbits")?);
    }
    let net = parse_cidr(&prefix)?;
    let net_last = net.addr | host_mask(net.prefix, net.bits);
    // The first address not yet allocated; None once past the end of the address space.
    let mut cursor = Some(net.addr);
    let mut current: Option<Net> = None;
    let mut out = Vec::with_capacity(newbits.len());
    for (i, &nb) in newbits.iter().enumerate() {
        if nb < 1 {
            return Err(invalid(
                "newbits",
                format!("argument {}: must extend prefix by at least one bit", i + 2),
            ));
        }
        if nb > 32 {
            return Err(invalid(
                "newbits",
                format!(
                    "argument {}: may not extend prefix by more than 32 bits",
                    i + 2
                ),
            ));
        }
        let len = net.prefix + nb as u32;
        if len > net.bits {
            return Err(invalid(
                "newbits",
                format!(
                    "argument {}: would extend prefix to {len} bits, which is too long for an {} address",
                    i + 2,
                    family(net.bits)
                ),
            ));
        }
        let host = host_mask(len, net.bits);
        let start = cursor.and_then(|c| {
            if c & host == 0 {
                Some(c)
            } else {
                (c | host).checked_add(1)
            }
        });
        match start {
            Some(a) if a >= net.addr && a <= net_last => {
                let sub = Net {
                    addr: a,
                    prefix: len,
                    bits: net.bits,
                };
                out.push(Value::String(fmt_net(sub)));
                current = Some(sub);
                cursor = (a | host).checked_add(1);
            }
            _ => {
                return Err(invalid(
                    "newbits",
                    format!(
                        "argument {}: not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                        i + 2,
                        fmt_net(current.unwrap_or(net))
                    ),
                ))
            }
        }
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{err, l, n, ok, reason, rf, s, strs, unk};
    use crate::eval::value::Value;

    #[test]
    fn cidrsubnet_ipv4() {
        let c = |p: &str, nb: f64, num: f64| ok("cidrsubnet", vec![s(p), n(nb), n(num)]);
        assert_eq!(c("10.0.0.0/16", 8.0, 2.0), s("10.0.2.0/24"));
        assert_eq!(c("10.1.2.0/24", 4.0, 15.0), s("10.1.2.240/28"));
        assert_eq!(c("172.16.0.0/12", 4.0, 2.0), s("172.18.0.0/16"));
        assert_eq!(c("10.0.0.0/16", 0.0, 0.0), s("10.0.0.0/16"));
        assert_eq!(c("0.0.0.0/0", 1.0, 1.0), s("128.0.0.0/1"));
        assert_eq!(c("10.0.0.0/8", 24.0, 16777215.0), s("10.255.255.255/32"));
        // The base address is masked; numeric strings convert.
        assert_eq!(
            ok("cidrsubnet", vec![s("10.0.7.5/16"), s("8"), s("2")]),
            s("10.0.2.0/24")
        );
        // Leading zeros in octets are read as decimal, as Terraform does.
        assert_eq!(c("010.001.0.0/16", 8.0, 1.0), s("10.1.1.0/24"));
    }

    #[test]
    fn cidrsubnet_ipv6() {
        let c = |p: &str, nb: f64, num: Value| ok("cidrsubnet", vec![s(p), n(nb), num]);
        assert_eq!(
            c("fd00:fd12:3456:7890::/56", 16.0, n(162.0)),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            c("2001:db8::/32", 32.0, n(4294967295.0)),
            s("2001:db8:ffff:ffff::/64")
        );
        assert_eq!(c("2001:db8::/56", 8.0, n(1.0)), s("2001:db8:0:1::/64"));
        // Numbers beyond f64 precision are exact when given as strings.
        assert_eq!(
            c("::/0", 64.0, s("18446744073709551615")),
            s("ffff:ffff:ffff:ffff::/64")
        );
        // IPv4-mapped addresses print in dotted form, as Terraform prints them.
        assert_eq!(c("::ffff:10.0.0.0/104", 8.0, n(1.0)), s("10.1.0.0/16"));
    }

    #[test]
    fn cidrsubnet_errors() {
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(9.0), n(0.0)]),
            "cidrsubnet: prefix extension of 9 bits would make a prefix of 33 bits, which is too long for an IPv4 address"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("2001:db8::/64"), n(65.0), n(0.0)]),
            "cidrsubnet: prefix extension of 65 bits would make a prefix of 129 bits, which is too long for an IPv6 address"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(4.0), n(16.0)]),
            "cidrsubnet: prefix extension of 4 bits does not accommodate a subnet numbered 16"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(1.0), n(-1.0)]),
            "cidrsubnet: prefix extension of 1 bit does not accommodate a subnet numbered -1"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(-1.0), n(0.0)]),
            "cidrsubnet: invalid value for \"newbits\" parameter: must not be negative, got -1"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/33"), n(1.0), n(0.0)]),
            "cidrsubnet: invalid CIDR expression: invalid CIDR address: 10.0.0.0/33"
        );
        for bad in [
            "10.0.0/16",
            "10.0.0.256/16",
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/a",
            "x/8",
            "",
        ] {
            let e = err("cidrsubnet", vec![s(bad), n(1.0), n(0.0)]);
            assert!(e.contains("invalid CIDR address"), "{bad}: {e}");
        }
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(2.5)]),
            "cidrsubnet: invalid value for \"netnum\" parameter: a whole number is required, but have 2.5"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/16"), s("eight"), n(2.0)]),
            "cidrsubnet: invalid value for \"newbits\" parameter: a number is required, but have \"eight\""
        );
        assert_eq!(
            err("cidrsubnet", vec![Value::Null, n(8.0), n(2.0)]),
            "cidrsubnet: invalid value for \"prefix\" parameter: argument must not be null"
        );
    }

    #[test]
    fn cidrhost_counts_from_both_ends() {
        let c = |p: &str, h: f64| ok("cidrhost", vec![s(p), n(h)]);
        assert_eq!(c("10.12.112.0/20", 16.0), s("10.12.112.16"));
        assert_eq!(c("10.12.112.0/20", 268.0), s("10.12.113.12"));
        assert_eq!(c("10.0.0.0/24", -2.0), s("10.0.0.254"));
        assert_eq!(c("10.0.0.0/24", -1.0), s("10.0.0.255"));
        assert_eq!(c("10.0.0.0/24", -256.0), s("10.0.0.0"));
        assert_eq!(c("10.0.0.0/24", 255.0), s("10.0.0.255"));
        assert_eq!(c("10.0.0.9/32", 0.0), s("10.0.0.9"));
        assert_eq!(
            c("fd00:fd12:3456:7890:00a2::/72", 34.0),
            s("fd00:fd12:3456:7890::22")
        );
        assert_eq!(c("2001:db8::/64", -1.0), s("2001:db8::ffff:ffff:ffff:ffff"));
        assert_eq!(
            ok("cidrhost", vec![s("10.0.0.0/8"), s("257")]),
            s("10.0.1.1")
        );
        assert_eq!(
            err("cidrhost", vec![s("10.0.0.0/24"), n(256.0)]),
            "cidrhost: prefix of 24 does not accommodate a host numbered 256"
        );
        assert_eq!(
            err("cidrhost", vec![s("10.0.0.0/24"), n(-257.0)]),
            "cidrhost: prefix of 24 does not accommodate a host numbered -257"
        );
    }

    #[test]
    fn cidrnetmask_ipv4_only() {
        assert_eq!(
            ok("cidrnetmask", vec![s("172.16.0.0/12")]),
            s("255.240.0.0")
        );
        assert_eq!(
            ok("cidrnetmask", vec![s("10.0.0.0/24")]),
            s("255.255.255.0")
        );
        assert_eq!(ok("cidrnetmask", vec![s("0.0.0.0/0")]), s("0.0.0.0"));
        assert_eq!(
            ok("cidrnetmask", vec![s("10.1.2.3/32")]),
            s("255.255.255.255")
        );
        assert_eq!(
            err("cidrnetmask", vec![s("2001:db8::/32")]),
            "cidrnetmask: IPv6 addresses cannot have a netmask: 2001:db8::/32"
        );
    }

    #[test]
    fn cidrsubnets_allocates_consecutively() {
        assert_eq!(
            ok(
                "cidrsubnets",
                vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            ok(
                "cidrsubnets",
                vec![
                    s("fd00:fd12:3456:7890::/56"),
                    n(16.0),
                    n(16.0),
                    n(16.0),
                    n(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/8")]), l(vec![]));
        // A base network at address zero works (Terraform issue 35486 makes it fail there).
        assert_eq!(
            ok("cidrsubnets", vec![s("0.0.0.0/1"), n(1.0), n(1.0)]),
            strs(&["0.0.0.0/2", "64.0.0.0/2"])
        );
        assert_eq!(
            ok("cidrsubnets", vec![s("255.255.255.0/24"), n(1.0), n(1.0)]),
            strs(&["255.255.255.0/25", "255.255.255.128/25"])
        );
        assert_eq!(
            err("cidrsubnets", vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]),
            "cidrsubnets: invalid value for \"newbits\" parameter: argument 4: not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"
        );
        assert!(err(
            "cidrsubnets",
            vec![
                s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"),
                n(1.0),
                n(1.0),
                n(2.0)
            ]
        )
        .contains("not enough remaining address space"));
        assert!(err("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)])
            .contains("must extend prefix by at least one bit"));
        assert!(err("cidrsubnets", vec![s("2001:db8::/32"), n(33.0)])
            .contains("may not extend prefix by more than 32 bits"));
        assert!(err("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)])
            .contains("would extend prefix to 33 bits, which is too long for an IPv4 address"));
    }

    #[test]
    fn cidr_functions_need_the_text_of_references() {
        let vpc = rf("aws_vpc.main", "cidr_block");
        let r = ok("cidrsubnet", vec![vpc.clone(), n(8.0), n(1.0)]);
        assert_eq!(
            reason(&r),
            "the value of aws_vpc.main.cidr_block is known only after apply"
        );
        assert!(ok("cidrhost", vec![vpc.clone(), n(5.0)]).is_unknown());
        assert!(ok("cidrnetmask", vec![vpc.clone()]).is_unknown());
        assert!(ok("cidrsubnets", vec![vpc, n(4.0)]).is_unknown());
        // An unknown argument comes back as is, origin included.
        let u = unk("var.vpc_cidr has no value");
        assert_eq!(ok("cidrsubnet", vec![u.clone(), n(8.0), n(1.0)]), u);
        assert_eq!(ok("cidrhost", vec![s("10.0.0.0/16"), u.clone()]), u);
        // The first unknown wins.
        let r = ok("cidrsubnet", vec![unk("first"), unk("second"), n(1.0)]);
        assert_eq!(reason(&r), "first");
    }
}
