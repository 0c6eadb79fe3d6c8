using System.Text.Json;
using Shiming.Hosting;

namespace Shiming.Tests.Hosting;

[TestClass]
public sealed class CustomHandlerPayloadTests
{
    [TestMethod]
    public void A_timer_payload_with_objects_is_read()
    {
        using var payload = JsonDocument.Parse("""
            {"Data":{"timer":{"IsPastDue":true}},"Metadata":{"sys":{"UtcNow":"2026-01-05T10:15:00.0123456Z"}}}
            """);

        var invocation = CustomHandlerInvocations.ReadTimerInvocation("DrainVerifications", payload.RootElement, "abc");

        Assert.IsTrue(invocation.IsPastDue);
        Assert.AreEqual(new DateTimeOffset(2026, 1, 5, 10, 15, 0, TimeSpan.Zero).AddTicks(123456), invocation.TriggeredAt);
        Assert.AreEqual("abc", invocation.InvocationId);
    }

    [TestMethod]
    public void Double_encoded_values_are_decoded_once()
    {
        using var payload = JsonDocument.Parse("""
            {"data":{"timer":"{\"IsPastDue\":\"true\"}"},"metadata":{"sys":{"UtcNow":"\"2026-01-05T10:15:00Z\""}}}
            """);

        var invocation = CustomHandlerInvocations.ReadTimerInvocation("DrainVerifications", payload.RootElement, null);

        Assert.IsTrue(invocation.IsPastDue);
        Assert.AreEqual(new DateTimeOffset(2026, 1, 5, 10, 15, 0, TimeSpan.Zero), invocation.TriggeredAt);
    }

    [TestMethod]
    [DataRow("\"\\\"hello\\\"\"", JsonValueKind.String, "hello")]
    [DataRow("\"1\"", JsonValueKind.Number, "1")]
    [DataRow("\"plain text\"", JsonValueKind.String, "plain text")]
    [DataRow("{\"a\":1}", JsonValueKind.Object, "{\"a\":1}")]
    public void Decode_undoes_the_hosts_encoding_of_non_object_values(string json, JsonValueKind kind, string expected)
    {
        using var document = JsonDocument.Parse(json);

        var decoded = CustomHandlerInvocations.Decode(document.RootElement);

        Assert.AreEqual(kind, decoded.ValueKind);
        Assert.AreEqual(expected, kind == JsonValueKind.String ? decoded.GetString() : decoded.GetRawText());
    }
}
