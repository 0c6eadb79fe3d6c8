using System.Text.Json;
using Shiming.Baidu;

namespace Shiming.Tests.Baidu;

/// <summary>The one classification of Baidu's error codes that the engine and the kinds act on.</summary>
[TestClass]
public sealed class BaiduErrorsTests
{
    [TestMethod]
    [DataRow(18, BaiduErrorClass.RateLimited)]
    [DataRow(17, BaiduErrorClass.DailyQuota)]
    [DataRow(19, BaiduErrorClass.TotalQuota)]
    [DataRow(6, BaiduErrorClass.NotPermitted)]
    [DataRow(100, BaiduErrorClass.Token)]
    [DataRow(110, BaiduErrorClass.Token)]
    [DataRow(111, BaiduErrorClass.Token)]
    [DataRow(216633, BaiduErrorClass.WrongDocument)]
    [DataRow(216200, BaiduErrorClass.ImageRejected)]
    [DataRow(216203, BaiduErrorClass.ImageRejected)]
    [DataRow(282100, BaiduErrorClass.ImageRejected)]
    [DataRow(282810, BaiduErrorClass.ImageRejected)]
    [DataRow(216100, BaiduErrorClass.RequestRejected)]
    [DataRow(282003, BaiduErrorClass.RequestRejected)]
    [DataRow(282900, BaiduErrorClass.RequestRejected)]
    [DataRow(222022, BaiduErrorClass.RequestRejected)]
    [DataRow(222023, BaiduErrorClass.RequestRejected)]
    [DataRow(222351, BaiduErrorClass.IdentityNotConfirmed)]
    [DataRow(222354, BaiduErrorClass.IdentityNotConfirmed)]
    [DataRow(222360, BaiduErrorClass.IdentityNotConfirmed)]
    [DataRow(222355, BaiduErrorClass.IdentityUnknown)]
    [DataRow(222361, BaiduErrorClass.Transient)]
    [DataRow(222905, BaiduErrorClass.Transient)]
    [DataRow(282000, BaiduErrorClass.Transient)]
    [DataRow(2, BaiduErrorClass.Transient)]
    [DataRow(282202, BaiduErrorClass.Transient)]
    public void Each_code_has_its_class(int code, BaiduErrorClass expected) =>
        Assert.AreEqual(expected, BaiduErrors.Classify(code));

    [TestMethod]
    public void Transport_faults_and_garbled_answers_are_transient_and_counted_so()
    {
        foreach (var fault in new Exception[] { new HttpRequestException("reset"), new TimeoutException("slow"), new JsonException("garbled") })
        {
            Assert.IsTrue(BaiduErrors.IsTransportFault(fault));
            Assert.AreEqual(BaiduErrorClass.Transient, BaiduErrors.Classify(fault));
        }

        Assert.IsFalse(BaiduErrors.IsTransportFault(new InvalidOperationException()));
    }

    [TestMethod]
    public void The_outcome_names_an_operator_counts_calls_by()
    {
        Assert.AreEqual("success", ((BaiduErrorClass?)null).OutcomeName());
        Assert.AreEqual("qps_refused", ((BaiduErrorClass?)BaiduErrorClass.RateLimited).OutcomeName());
        Assert.AreEqual("quota", ((BaiduErrorClass?)BaiduErrorClass.DailyQuota).OutcomeName());
        Assert.AreEqual("input", ((BaiduErrorClass?)BaiduErrorClass.WrongDocument).OutcomeName());
        Assert.AreEqual("success", ((BaiduErrorClass?)BaiduErrorClass.IdentityNotConfirmed).OutcomeName(), "the authority answered");
        Assert.AreEqual("transient", ((BaiduErrorClass?)BaiduErrorClass.Transient).OutcomeName());
    }
}
