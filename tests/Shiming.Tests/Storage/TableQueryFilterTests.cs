using Shiming.Storage;

namespace Shiming.Tests.Storage;

[TestClass]
public sealed class TableQueryFilterTests
{
    [TestMethod]
    public void StringsAreQuotedWithQuotesDoubled()
    {
        var name = "O'Brien's 'x'";

        Assert.AreEqual("Name eq 'O''Brien''s ''x'''", TableClient.CreateQueryFilter($"Name eq {name}"));
    }

    [TestMethod]
    public void EachTypeGetsItsODataLiteral()
    {
        var when = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)).AddTicks(1234567);
        var id = Guid.Parse("4185404a-5818-48c3-b9be-f217df0dba6f");

        var filter = TableClient.CreateQueryFilter(
            $"I eq {42} and L eq {9007199254740993L} and D eq {2.0} and F eq {0.5} and B eq {true} and N ne {false} and T ge {when} and G eq {id} and X eq {new byte[] { 0x0A, 0xFF }} and C eq {'q'}");

        Assert.AreEqual(
            "I eq 42 and L eq 9007199254740993L and D eq 2.0 and F eq 0.5 and B eq true and N ne false and T ge datetime'2024-01-02T08:04:05.1234567Z' and G eq guid'4185404a-5818-48c3-b9be-f217df0dba6f' and X eq X'0AFF' and C eq 'q'",
            filter);
    }

    [TestMethod]
    public void DateTimesAreWrittenAsUtc()
    {
        var unspecified = new DateTime(2024, 1, 2, 3, 4, 5);

        Assert.AreEqual("T eq datetime'2024-01-02T03:04:05.0000000Z'", TableClient.CreateQueryFilter($"T eq {unspecified}"));
    }

    [TestMethod]
    public void LiteralBracesInTheFormatSurvive()
    {
        Assert.AreEqual("S eq '{x}'", TableClient.CreateQueryFilter($"S eq {"{x}"}"));
    }

    [TestMethod]
    public void ValuesWithoutALiteralFormAreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => TableClient.CreateQueryFilter($"V eq {1.5m}"));
        Assert.ThrowsExactly<ArgumentException>(() => TableClient.CreateQueryFilter($"V eq {double.NaN}"));
        Assert.ThrowsExactly<ArgumentException>(() => TableClient.CreateQueryFilter($"V eq {new object()}"));
    }
}
