using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>A made-up card holder. Nobody: the address code starts with 99, which no province has.</summary>
/// <param name="Name">Name, built from syllable lists.</param>
/// <param name="Gender"><c>男</c> or <c>女</c>.</param>
/// <param name="Ethnicity">Ethnic group, such as <c>汉</c>.</param>
/// <param name="BirthDate">Birth date, the same as in <paramref name="IdNumber"/>.</param>
/// <param name="Address">An address in a province that does not exist.</param>
/// <param name="IdNumber">An 18-character number that passes the GB 11643-1999 checksum.</param>
public sealed record SyntheticPerson(string Name, string Gender, string Ethnicity, DateOnly BirthDate, string Address, string IdNumber);

/// <summary>The emblem side of a made-up card.</summary>
/// <param name="IssuingAuthority">Issuing authority.</param>
/// <param name="ValidFrom">Issue date.</param>
/// <param name="ValidUntil">Expiry as yyyyMMdd, or <c>长期</c> for a long-term card.</param>
public sealed record SyntheticCardBack(string IssuingAuthority, DateOnly ValidFrom, string ValidUntil);

/// <summary>Made-up identities for tests and examples. Deterministic for a seeded <see cref="Random"/>.</summary>
public static class SyntheticIdentities
{
    /// <summary>First two digits of every synthetic address code: no province has them, so no real number can match.</summary>
    public const string ProvinceCode = "99";

    private const string ProvinceName = "测试省";

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];

    private static readonly string[] GivenSyllables =
        ["子", "涵", "浩", "宇", "欣", "怡", "梓", "轩", "雨", "晨", "思", "佳", "俊", "杰", "文", "博", "嘉", "明", "悦", "宁", "安", "晓", "云", "泽", "航", "睿", "琪", "婷", "瑶", "鹏"];

    private static readonly string[] Ethnicities = ["满", "回", "蒙古", "壮", "维吾尔", "苗", "彝", "土家", "藏", "朝鲜"];

    // Index + 1 is the city's two digits in the address code, so the text and the code agree.
    private static readonly string[] Cities = ["示例", "样本", "模拟", "演示", "虚构", "假设", "范例", "测绘", "试点"];

    private static readonly string[] Districts = ["东城", "西城", "南湖", "北山", "新区", "河畔", "高新", "江岸"];

    private static readonly string[] Streets = ["和平", "建设", "人民", "解放", "友谊", "长江", "黄河", "光明", "幸福", "团结"];

    private static readonly DateOnly EarliestBirth = new(1940, 1, 1);
    private static readonly DateOnly LatestBirth = new(2007, 12, 31);
    private static readonly DateOnly EarliestIssue = new(2005, 1, 1);
    private static readonly DateOnly LatestIssue = new(2024, 12, 31);

    /// <summary>A made-up person whose number has a 99xxxx address code, a valid check character, and agrees with the birth date and sex.</summary>
    public static SyntheticPerson CreatePerson(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var male = random.Next(2) == 0;
        var name = Pick(random, Surnames) + Pick(random, GivenSyllables) + (random.Next(3) == 0 ? string.Empty : Pick(random, GivenSyllables));
        var ethnicity = random.Next(10) < 8 ? "汉" : Pick(random, Ethnicities);
        var birthDate = EarliestBirth.AddDays(random.Next(LatestBirth.DayNumber - EarliestBirth.DayNumber + 1));

        var city = random.Next(Cities.Length);
        var district = random.Next(Districts.Length);
        var addressCode = string.Create(CultureInfo.InvariantCulture, $"{ProvinceCode}{city + 1:D2}{district + 1:D2}");
        var address = string.Create(
            CultureInfo.InvariantCulture,
            $"{ProvinceName}{Cities[city]}市{Districts[district]}区{Pick(random, Streets)}路{random.Next(1, 300)}号");

        // The sequence's last digit carries the sex: odd for men.
        var sequence = (random.Next(500) * 2) + (male ? 1 : 0);
        return new SyntheticPerson(name, male ? "男" : "女", ethnicity, birthDate, address, CreateIdNumber(addressCode, birthDate, sequence));
    }

    /// <summary>A plausible back for the person: issued in their city, valid for the period their age at issue calls for.</summary>
    public static SyntheticCardBack CreateBack(Random random, SyntheticPerson person)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(person);

        var city = Cities.FirstOrDefault(c => person.Address.Contains(c + "市", StringComparison.Ordinal)) ?? Cities[0];
        var district = Districts.FirstOrDefault(d => person.Address.Contains(d + "区", StringComparison.Ordinal)) ?? Districts[0];

        var earliest = person.BirthDate.AddYears(16) > EarliestIssue ? person.BirthDate.AddYears(16) : EarliestIssue;
        if (earliest > LatestIssue)
        {
            earliest = person.BirthDate > EarliestIssue ? person.BirthDate : EarliestIssue;
        }

        var issued = earliest.AddDays(random.Next(LatestIssue.DayNumber - earliest.DayNumber + 1));
        var age = Age(person.BirthDate, issued);

        // The validity periods of the Resident Identity Card Law: 5 years under 16, 10 to 25, 20 to 45, then long-term.
        var validYears = age switch
        {
            < 16 => 5,
            <= 25 => 10,
            <= 45 => 20,
            _ => 0,
        };
        var validUntil = validYears == 0
            ? IdCardFields.LongTerm
            : issued.AddYears(validYears).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return new SyntheticCardBack($"{city}市公安局{district}分局", issued, validUntil);
    }

    /// <summary>The 17 digits of address code, birth date and sequence, followed by the GB 11643-1999 check character.</summary>
    /// <param name="addressCode">Six digits; synthetic identities use codes starting with <see cref="ProvinceCode"/>.</param>
    /// <param name="birthDate">The birth date, written yyyyMMdd.</param>
    /// <param name="sequence">0..999; its last digit is odd for a man.</param>
    public static string CreateIdNumber(string addressCode, DateOnly birthDate, int sequence)
    {
        ArgumentNullException.ThrowIfNull(addressCode);
        if (addressCode.Length != 6 || !addressCode.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The address code must be six digits.", nameof(addressCode));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999);
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{addressCode}{birthDate:yyyyMMdd}{sequence:D3}");
        return first17 + ResidentIdNumber.CheckCharacter(first17);
    }

    private static int Age(DateOnly birthDate, DateOnly on)
    {
        var age = on.Year - birthDate.Year;
        return birthDate.AddYears(age) > on ? age - 1 : age;
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
