package io.pooldisk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CIDR parsing and matching of the ban list, IPv4 and IPv6, the edge prefixes and what a person may mistype. */
class AddressRangeTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8",
        "10.1.2.3/8, 10.0.0.0/8",
        "192.0.2.7, 192.0.2.7",
        "192.0.2.7/32, 192.0.2.7",
        "0.0.0.0/0, 0.0.0.0/0",
        "255.255.255.255/1, 128.0.0.0/1",
        "2001:db8::/32, 2001:db8::/32",
        "2001:DB8:1234::5/32, 2001:db8::/32",
        "::1, ::1",
        "::1/128, ::1",
        "::/0, ::/0",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80::1:2/127, fe80::1:2/127",
        "::ffff:10.1.2.3, 10.1.2.3",
        "::ffff:10.0.0.0/104, 10.0.0.0/8",
        "' 10.0.0.0/8 ', 10.0.0.0/8"
    })
    void parsesAndNormalisesHostBits(String text, String canonical) {
        assertThat(AddressRange.parse(text)).hasToString(canonical);
        assertThat(AddressRange.parse(canonical)).isEqualTo(AddressRange.parse(text));
    }

    @Test
    void matchesIpv4Networks() {
        AddressRange net = AddressRange.parse("10.0.0.0/8");
        assertThat(net.contains("10.0.0.0")).isTrue();
        assertThat(net.contains("10.255.255.255")).isTrue();
        assertThat(net.contains("11.0.0.0")).isFalse();
        assertThat(net.contains("9.255.255.255")).isFalse();
        assertThat(net.contains("::ffff:10.0.0.1"))
                .as("IPv6 text of another family")
                .isFalse();
        assertThat(AddressRange.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
        assertThat(AddressRange.parse("0.0.0.0/0").contains("::1"))
                .as("IPv4 networks hold no IPv6")
                .isFalse();
        AddressRange one = AddressRange.parse("192.0.2.7");
        assertThat(one.isSingleAddress()).isTrue();
        assertThat(one.contains("192.0.2.7")).isTrue();
        assertThat(one.contains("192.0.2.6")).isFalse();
        AddressRange odd = AddressRange.parse("192.168.1.128/25");
        assertThat(odd.contains("192.168.1.127")).isFalse();
        assertThat(odd.contains("192.168.1.128")).isTrue();
        assertThat(odd.contains("192.168.1.255")).isTrue();
    }

    @Test
    void matchesIpv6NetworksAcrossTheMiddleOfTheAddress() {
        AddressRange net = AddressRange.parse("2001:db8::/32");
        assertThat(net.contains("2001:db8::1")).isTrue();
        assertThat(net.contains("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(net.contains("2001:db9::")).isFalse();
        assertThat(net.contains("10.0.0.1")).isFalse();
        AddressRange at64 = AddressRange.parse("2001:db8:1:2::/64");
        assertThat(at64.contains("2001:db8:1:2:ffff::1")).isTrue();
        assertThat(at64.contains("2001:db8:1:3::1")).isFalse();
        AddressRange at65 = AddressRange.parse("2001:db8:1:2:8000::/65");
        assertThat(at65.contains("2001:db8:1:2:8000::1")).isTrue();
        assertThat(at65.contains("2001:db8:1:2:7fff::1")).isFalse();
        assertThat(AddressRange.parse("::1").contains("::1")).isTrue();
        assertThat(AddressRange.parse("::1").contains("::2")).isFalse();
        assertThat(AddressRange.parse("::/0").contains("ffff::")).isTrue();
    }

    @Test
    void coversNarrowerNetworksOfItsFamily() {
        AddressRange net = AddressRange.parse("10.0.0.0/8");
        assertThat(net.covers(AddressRange.parse("10.2.0.0/16"))).isTrue();
        assertThat(net.covers(AddressRange.parse("0.0.0.0/0"))).isFalse();
        assertThat(AddressRange.parse("0.0.0.0/0").covers(AddressRange.parse("127.0.0.1")))
                .isTrue();
        assertThat(AddressRange.parse("::/0").covers(AddressRange.parse("127.0.0.1")))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.0/33",
                "::/129",
                "10.0.0.0/",
                "10.0.0.0/-1",
                "10.0.0.0/8/8",
                "10.0.0.0/ab",
                "10.0.0.0/1000",
                "256.0.0.1",
                "10.0.0",
                "10.0.0.0.0",
                "010.0.0.1",
                "1.2.3.4:80",
                "example.com",
                "2001:db8:::1",
                "2001:db8::1::1",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7",
                "12345::",
                ":1",
                "1:",
                "fe80::1%eth0",
                "",
                "   "
            })
    void refusesWhatIsNoAddressOrNetworkSayingWhy(String text) {
        assertThatThrownBy(() -> AddressRange.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .satisfiesAnyOf(
                        m -> assertThat(m).contains("is not an IPv4 or IPv6 address"),
                        m -> assertThat(m).contains("prefix length"),
                        m -> assertThat(m).contains("an address or network is needed"));
    }

    @Test
    void namesTheFamilyWhenThePrefixIsTooLong() {
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33"))
                .hasMessage("/33 is too long for an IPv4 network: the prefix length is 0-32");
        assertThatThrownBy(() -> AddressRange.parse("2001:db8::/200"))
                .hasMessage("/200 is too long for an IPv6 network: the prefix length is 0-128");
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.256/8"))
                .hasMessage("'10.0.0.256' is not an IPv4 or IPv6 address");
    }
}
