using Microsoft.AspNetCore.Http.HttpResults;
using Shiming.BaiduEmulator;
using Shiming.IdentityChecks;

namespace Shiming.Tests.IdentityChecks;

/// <summary>Details that cannot be right are refused before any call is spent; the rest are put as Baidu takes them.</summary>
[TestClass]
public sealed class IdentityCheckInputTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);
    private static readonly SyntheticPerson Person = SyntheticIdentities.CreatePerson(new Random(27));

    [TestMethod]
    public void A_name_and_a_valid_number_go_to_idmatch_trimmed_and_upper_case()
    {
        var read = IdentityCheckInput.Check(new IdentityCheckRequest($" {Person.Name} ", Person.IdNumber.ToLowerInvariant(), null, null), Today);

        Assert.IsNull(read.Problem);
        Assert.AreEqual(new IdentityDetails(Person.Name, Person.IdNumber.ToUpperInvariant()), read.Details);
        Assert.IsFalse(read.Details!.WithValidity);
    }

    [TestMethod]
    public void Validity_dates_go_to_idmatch_date_as_yyyyMMdd_and_a_long_term_card_ends_with_zeros()
    {
        var dated = IdentityCheckInput.Check(new IdentityCheckRequest(Person.Name, Person.IdNumber, "2015-03-01", "2035-03-01"), Today);
        var longTerm = IdentityCheckInput.Check(new IdentityCheckRequest(Person.Name, Person.IdNumber, "2015-03-01", "长期"), Today);

        Assert.AreEqual(("20150301", "20350301"), (dated.Details!.StartDate, dated.Details.EndDate));
        Assert.AreEqual(("20150301", "00000000"), (longTerm.Details!.StartDate, longTerm.Details.EndDate));
        Assert.IsTrue(longTerm.Details.WithValidity);
    }

    [TestMethod]
    [DataRow(null, "name_invalid")]
    [DataRow("", "name_invalid")]
    [DataRow("   ", "name_invalid")]
    [DataRow("张三3", "name_invalid")]
    [DataRow("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "name_invalid")]
    public void An_empty_over_long_or_numbered_name_is_refused(string? name, string code) =>
        AssertRefused(IdentityCheckInput.Check(new IdentityCheckRequest(name, Person.IdNumber, null, null), Today), code);

    [TestMethod]
    public void A_number_failing_its_checksum_or_without_a_real_birth_date_is_refused()
    {
        var wrongCheck = Person.IdNumber[..17] + (Person.IdNumber[17] == '0' ? '1' : '0');
        AssertRefused(IdentityCheckInput.Check(new IdentityCheckRequest(Person.Name, wrongCheck, null, null), Today), "id_number_invalid");
        AssertRefused(IdentityCheckInput.Check(new IdentityCheckRequest(Person.Name, Person.IdNumber[..17], null, null), Today), "id_number_invalid");
        AssertRefused(IdentityCheckInput.Check(new IdentityCheckRequest(Person.Name, null, null, null), Today), "id_number_invalid");
    }

    [TestMethod]
    [DataRow("2015-03-01", null, "only one date")]
    [DataRow("2015-03-01", "2019-03-01", "less than five years")]
    [DataRow("2035-03-01", "2045-03-01", "issued in the future")]
    [DataRow("1983-12-31", "长期", "before 1984")]
    [DataRow("2015/03/01", "2035-03-01", "not yyyy-MM-dd")]
    [DataRow("2035-03-01", "2015-03-01", "out of order")]
    public void Validity_dates_that_cannot_be_right_are_refused(string? from, string? until, string why) =>
        AssertRefused(IdentityCheckInput.Check(new IdentityCheckRequest(Person.Name, Person.IdNumber, from, until), Today), "validity_invalid", why);

    private static void AssertRefused(IdentityCheckInput.Read read, string code, string? why = null)
    {
        Assert.IsNull(read.Details, why);
        Assert.IsInstanceOfType<ProblemHttpResult>(read.Problem, why);
        Assert.AreEqual(422, read.Problem!.StatusCode, why);
        StringAssert.EndsWith(read.Problem.ProblemDetails.Type, code, why);
    }
}
