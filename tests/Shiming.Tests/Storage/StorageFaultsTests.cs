using System.Net.Sockets;
using Azure;
using Shiming.Storage;

namespace Shiming.Tests.Storage;

/// <summary>Which storage failures are worth waiting out (storage away or throttling) and which say the request is wrong.</summary>
[TestClass]
public sealed class StorageFaultsTests
{
    [TestMethod]
    [DataRow(503, "ServerBusy", DisplayName = "503 ServerBusy: throttled")]
    [DataRow(500, "OperationTimedOut", DisplayName = "500 OperationTimedOut")]
    [DataRow(500, "InternalError", DisplayName = "another 5xx")]
    [DataRow(408, null, DisplayName = "408")]
    [DataRow(0, null, DisplayName = "no answer at all")]
    public void A_busy_failing_or_silent_service_is_unavailable(int status, string? code)
    {
        var failed = new RequestFailedException(status, "storage", code, null);

        Assert.IsTrue(StorageFaults.IsUnavailable(failed));
        Assert.IsTrue(StorageFaults.IsUnavailable(new AggregateException(failed, failed)), "the SDK's retries used up on it");
    }

    [TestMethod]
    [DataRow(400, "PopReceiptMismatch")]
    [DataRow(404, "MessageNotFound")]
    [DataRow(409, "ContainerAlreadyExists")]
    [DataRow(412, "UpdateConditionNotSatisfied")]
    [DataRow(403, "AuthorizationFailure")]
    public void A_refusal_of_the_request_itself_is_not(int status, string code) =>
        Assert.IsFalse(StorageFaults.IsUnavailable(new RequestFailedException(status, "storage", code, null)));

    [TestMethod]
    public void A_lost_connection_or_a_timeout_is_unavailable()
    {
        Assert.IsTrue(StorageFaults.IsUnavailable(new HttpRequestException("reset", new SocketException((int)SocketError.ConnectionReset))));
        Assert.IsTrue(StorageFaults.IsUnavailable(new RequestFailedException("wrapped", new IOException("broken pipe"))));
        Assert.IsTrue(StorageFaults.IsUnavailable(new TaskCanceledException("timed out", new TimeoutException())));
    }

    [TestMethod]
    public void Retries_that_met_a_refusal_among_outages_are_not_waited_out() =>
        Assert.IsFalse(StorageFaults.IsUnavailable(new AggregateException(
            new RequestFailedException(503, "busy", "ServerBusy", null), new RequestFailedException(404, "gone", "BlobNotFound", null))));

    [TestMethod]
    [DataRow(503, "ServerBusy", "503 ServerBusy")]
    [DataRow(0, null, "no answer")]
    public void A_fault_is_described_by_its_status_and_code(int status, string? code, string expected) =>
        Assert.AreEqual(expected, StorageFaults.Describe(new AggregateException(new RequestFailedException(status, "storage", code, null))));
}
