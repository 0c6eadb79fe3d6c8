using System.Globalization;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class SyntheticIdentitiesTests
{
    private const int Seeds = 400;

    [TestMethod]
    [DataRow("11010519491231002X", true)]
    [DataRow("440524188001010014", true)]
    [DataRow("360426199101010071", true)]
    [DataRow("330881199904173916", true)]
    [DataRow("330881199904173914", false)]
    public void The_tests_own_checksum_agrees_with_the_reference_vectors(string number, bool valid)
    {
        Assert.AreEqual(valid, Gb11643.IsValid(number));
    }

    [TestMethod]
    [DataRow("110105", "1949-12-31", 2, "11010519491231002X")]
    [DataRow("440524", "1880-01-01", 1, "440524188001010014")]
    [DataRow("360426", "1991-01-01", 7, "360426199101010071")]
    [DataRow("330881", "1999-04-17", 391, "330881199904173916")]
    public void Create_ID_number_appends_the_reference_check_character(string addressCode, string birthDate, int sequence, string expected)
    {
        var number = SyntheticIdentities.CreateIdNumber(addressCode, DateOnly.Parse(birthDate, CultureInfo.InvariantCulture), sequence);

        Assert.AreEqual(expected, number);
    }

    [TestMethod]
    public void Every_generated_number_passes_the_checksum_and_agrees_with_its_person()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var person = SyntheticIdentities.CreatePerson(new Random(seed));
            var number = person.IdNumber;

            Assert.IsTrue(Gb11643.IsValid(number), $"seed {seed}");
            Assert.StartsWith(SyntheticIdentities.ProvinceCode, number, $"seed {seed}: no real province has the code 99");
            Assert.AreEqual(person.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), number[6..14], $"seed {seed}");
            Assert.AreEqual(person.Gender == "男", (number[16] - '0') % 2 == 1, $"seed {seed}: the 17th digit is odd for men");
        }
    }

    [TestMethod]
    public void Generated_people_have_plausible_fields()
    {
        var genders = new HashSet<string>();
        for (var seed = 0; seed < Seeds; seed++)
        {
            var person = SyntheticIdentities.CreatePerson(new Random(seed));
            genders.Add(person.Gender);

            Assert.IsTrue(person.Name.Length is >= 2 and <= 3, $"seed {seed}");
            Assert.IsFalse(string.IsNullOrEmpty(person.Ethnicity), $"seed {seed}");
            Assert.StartsWith("测试省", person.Address, $"seed {seed}");
            Assert.IsTrue(person.BirthDate >= new DateOnly(1940, 1, 1) && person.BirthDate <= new DateOnly(2007, 12, 31), $"seed {seed}");
        }

        CollectionAssert.AreEquivalent(new[] { "男", "女" }, genders.ToList());
    }

    [TestMethod]
    public void The_same_seed_gives_the_same_identity()
    {
        Assert.AreEqual(SyntheticIdentities.CreatePerson(new Random(7)), SyntheticIdentities.CreatePerson(new Random(7)));
        Assert.AreNotEqual(SyntheticIdentities.CreatePerson(new Random(7)), SyntheticIdentities.CreatePerson(new Random(8)));
    }

    [TestMethod]
    public void Generated_backs_are_issued_after_birth_and_valid_for_their_holders_age()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            var person = SyntheticIdentities.CreatePerson(random);
            var back = SyntheticIdentities.CreateBack(random, person);
            var ageAtIssue = back.ValidFrom.Year - person.BirthDate.Year - (person.BirthDate.AddYears(back.ValidFrom.Year - person.BirthDate.Year) > back.ValidFrom ? 1 : 0);

            Assert.IsGreaterThan(person.BirthDate, back.ValidFrom, $"seed {seed}");
            Assert.EndsWith("分局", back.IssuingAuthority, $"seed {seed}");
            var expectedUntil = ageAtIssue switch
            {
                < 16 => back.ValidFrom.AddYears(5).ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                <= 25 => back.ValidFrom.AddYears(10).ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                <= 45 => back.ValidFrom.AddYears(20).ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                _ => "长期",
            };
            Assert.AreEqual(expectedUntil, back.ValidUntil, $"seed {seed}: issued at {ageAtIssue}");
        }
    }

    [TestMethod]
    [DataRow("12345", 0)]
    [DataRow("99ab01", 0)]
    [DataRow("990101", -1)]
    [DataRow("990101", 1000)]
    public void Create_ID_number_rejects_what_cannot_be_an_ID_number(string addressCode, int sequence)
    {
        Assert.Throws<ArgumentException>(() => SyntheticIdentities.CreateIdNumber(addressCode, new DateOnly(1990, 1, 1), sequence));
    }
}
