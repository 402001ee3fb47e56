//! [`Protocol`]: the IP protocol of a security group or network ACL rule, normalised from the
//! aliases Terraform and AWS accept (SPEC §3.2).
//!
//! This module owns protocol spelling (`tcp` = `6`, `all` = `-1`, `ipv6-icmp` = `58`, …) and
//! the two questions the filters ask of a protocol: does a rule with it admit TCP traffic, and
//! does it ignore its port bounds.

use std::fmt;

/// An IP protocol as a filter rule names it.
///
/// The parsers never produce `Other(6)`, `Other(17)`, `Other(1)` or `Other(58)` (those are
/// [`Tcp`](Protocol::Tcp), [`Udp`](Protocol::Udp), [`Icmp`](Protocol::Icmp) and
/// [`Icmpv6`](Protocol::Icmpv6)); a hand-built one behaves like its named form in
/// [`Protocol::carries_tcp`] and [`Protocol::ignores_ports`], see [`Protocol::normalized`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP, protocol number 6.
    Tcp,
    /// UDP, protocol number 17.
    Udp,
    /// ICMP, protocol number 1.
    Icmp,
    /// ICMPv6, protocol number 58.
    Icmpv6,
    /// Every protocol (`all`, `-1`).
    All,
    /// Any other IP protocol number, `0..=255`.
    Other(u16),
}

/// Parses a protocol number written in decimal digits only (no sign, no spaces), or `-1`.
fn parse_number(s: &str) -> Option<Protocol> {
    if s == "-1" {
        return Some(Protocol::All);
    }
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u16 = s.parse().ok()?;
    Protocol::from_number(i32::from(n))
}

impl Protocol {
    /// The protocol with IANA number `n`, or [`Protocol::All`] for `-1`. `None` outside
    /// `-1..=255`.
    pub fn from_number(n: i32) -> Option<Protocol> {
        Some(match n {
            -1 => Protocol::All,
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp,
            58 => Protocol::Icmpv6,
            0..=255 => Protocol::Other(n as u16),
            _ => return None,
        })
    }

    /// The IANA protocol number, `-1` for [`Protocol::All`].
    pub fn number(self) -> i32 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Icmp => 1,
            Protocol::Icmpv6 => 58,
            Protocol::All => -1,
            Protocol::Other(n) => i32::from(n),
        }
    }

    /// The named form of a hand-built `Other(6|17|1|58)`; every other value unchanged.
    pub fn normalized(self) -> Protocol {
        match self {
            Protocol::Other(n) => Protocol::from_number(i32::from(n)).unwrap_or(self),
            p => p,
        }
    }

    /// Parses the `protocol` (or `ip_protocol`) of a security group rule: `tcp`/`6`,
    /// `udp`/`17`, `icmp`/`1`, `icmpv6`/`58`, `all`/`-1`, case-insensitively, or any other
    /// number `0..=255`. `None` for anything else.
    pub fn parse_sg(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "icmp" => Some(Protocol::Icmp),
            "icmpv6" => Some(Protocol::Icmpv6),
            "all" => Some(Protocol::All),
            other => parse_number(other),
        }
    }

    /// Parses the `protocol` of a network ACL rule: `tcp`/`6`, `udp`/`17`, `icmp`/`1`,
    /// `ipv6-icmp`/`icmpv6`/`58`, `all`/`-1`, or any other number `0..=255`. Names are taken
    /// case-insensitively (the intent of `TCP` is plain even if the provider wants `tcp`).
    /// `None` for anything else.
    pub fn parse_nacl(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "icmp" => Some(Protocol::Icmp),
            "ipv6-icmp" | "icmpv6" => Some(Protocol::Icmpv6),
            "all" => Some(Protocol::All),
            other => parse_number(other),
        }
    }

    /// Whether a rule with this protocol matches TCP packets: only TCP itself and `all`.
    /// UDP, ICMP and other protocol numbers never satisfy a TCP requirement.
    pub fn carries_tcp(self) -> bool {
        matches!(self.normalized(), Protocol::Tcp | Protocol::All)
    }

    /// Whether a rule with this protocol matches packets of `proto` (TCP or UDP): that
    /// protocol itself and `all`.
    pub fn carries(self, proto: Protocol) -> bool {
        let p = self.normalized();
        p == Protocol::All || p == proto.normalized()
    }

    /// Whether a rule with this protocol covers every port whatever its `from_port` and
    /// `to_port` say: `all` and every protocol number other than 6, 17, 1 and 58.
    pub fn ignores_ports(self) -> bool {
        matches!(self.normalized(), Protocol::All | Protocol::Other(_))
    }
}

/// The canonical name: `tcp`, `udp`, `icmp`, `icmpv6`, `all`, or the number for the others.
impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.normalized() {
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::All => f.write_str("all"),
            Protocol::Other(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sg_aliases() {
        for (s, p) in [
            ("tcp", Protocol::Tcp),
            ("TCP", Protocol::Tcp),
            ("Tcp", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("17", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("1", Protocol::Icmp),
            ("icmpv6", Protocol::Icmpv6),
            ("ICMPv6", Protocol::Icmpv6),
            ("58", Protocol::Icmpv6),
            ("all", Protocol::All),
            ("ALL", Protocol::All),
            ("-1", Protocol::All),
            ("50", Protocol::Other(50)),
            ("0", Protocol::Other(0)),
            ("255", Protocol::Other(255)),
        ] {
            assert_eq!(Protocol::parse_sg(s), Some(p), "{s:?}");
        }
    }

    #[test]
    fn sg_rejects() {
        for s in [
            "",
            "256",
            "-2",
            "+6",
            " tcp",
            "tcp ",
            "ipv6-icmp",
            "http",
            "1000",
            "-1 ",
        ] {
            assert_eq!(Protocol::parse_sg(s), None, "{s:?}");
        }
    }

    #[test]
    fn nacl_aliases() {
        for (s, p) in [
            ("tcp", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("17", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("1", Protocol::Icmp),
            ("ipv6-icmp", Protocol::Icmpv6),
            ("icmpv6", Protocol::Icmpv6),
            ("58", Protocol::Icmpv6),
            ("all", Protocol::All),
            ("-1", Protocol::All),
            ("47", Protocol::Other(47)),
        ] {
            assert_eq!(Protocol::parse_nacl(s), Some(p), "{s:?}");
        }
        for s in ["", "256", "any", "*", "-1.0"] {
            assert_eq!(Protocol::parse_nacl(s), None, "{s:?}");
        }
    }

    #[test]
    fn tcp_carriage_and_ports() {
        assert!(Protocol::Tcp.carries_tcp());
        assert!(Protocol::All.carries_tcp());
        assert!(!Protocol::Udp.carries_tcp());
        assert!(!Protocol::Icmp.carries_tcp());
        assert!(!Protocol::Icmpv6.carries_tcp());
        assert!(!Protocol::Other(50).carries_tcp());
        assert!(Protocol::Other(6).carries_tcp());

        assert!(Protocol::All.ignores_ports());
        assert!(Protocol::Other(50).ignores_ports());
        assert!(!Protocol::Tcp.ignores_ports());
        assert!(!Protocol::Udp.ignores_ports());
        assert!(!Protocol::Icmp.ignores_ports());
        assert!(!Protocol::Other(6).ignores_ports());
    }

    #[test]
    fn numbers_and_display() {
        assert_eq!(Protocol::from_number(6), Some(Protocol::Tcp));
        assert_eq!(Protocol::from_number(-1), Some(Protocol::All));
        assert_eq!(Protocol::from_number(256), None);
        assert_eq!(Protocol::from_number(-2), None);
        assert_eq!(Protocol::All.number(), -1);
        assert_eq!(Protocol::Icmpv6.number(), 58);
        assert_eq!(Protocol::Other(6).normalized(), Protocol::Tcp);
        assert_eq!(Protocol::Tcp.to_string(), "tcp");
        assert_eq!(Protocol::All.to_string(), "all");
        assert_eq!(Protocol::Icmpv6.to_string(), "icmpv6");
        assert_eq!(Protocol::Other(47).to_string(), "47");
        assert_eq!(Protocol::Other(17).to_string(), "udp");
    }
}
