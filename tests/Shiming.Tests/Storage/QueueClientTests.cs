using Azure;
using Shiming.Storage;

namespace Shiming.Tests.Storage;

[TestClass]
public sealed class QueueClientTests
{
    private static readonly TimeSpan Hidden = TimeSpan.FromMinutes(5);

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private static async Task<QueueClient> NewQueueAsync(StorageAccount? account = null)
    {
        account ??= await StorageTestSupport.AzuriteAccountAsync();
        var queue = account.GetQueueClient(StorageTestSupport.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    [TestMethod]
    [DataRow("plain ascii")]
    [DataRow("中文 ключ émoji 🚀 and a lone ñ")]
    [DataRow("{\"id\":\"42\",\"name\":\"O'Brien <tag> & co\",\"nested\":{\"list\":[1,2.5,true,null]}}")]
    [DataRow("")]
    public async Task SentTextIsReceivedUnchanged(string text)
    {
        var queue = await NewQueueAsync();

        var sent = await queue.SendMessageAsync(text, cancellationToken: Ct);
        var received = await queue.ReceiveMessagesAsync(32, Hidden, Ct);

        Assert.HasCount(1, received);
        Assert.AreEqual(text, received[0].MessageText);
        Assert.AreEqual(sent.MessageId, received[0].MessageId);
        Assert.AreEqual(1, received[0].DequeueCount);
    }

    [TestMethod]
    public async Task SendReceiptCarriesIdsAndTimes()
    {
        var queue = await NewQueueAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var receipt = await queue.SendMessageAsync("x", TimeSpan.FromSeconds(60), cancellationToken: Ct);

        Assert.IsFalse(string.IsNullOrEmpty(receipt.MessageId));
        Assert.IsFalse(string.IsNullOrEmpty(receipt.PopReceipt));
        Assert.IsTrue(receipt.InsertedOn >= before.AddSeconds(-1), $"{receipt.InsertedOn}");
        Assert.AreEqual(60, (receipt.NextVisibleOn - receipt.InsertedOn).TotalSeconds, 1);
    }

    [TestMethod]
    public async Task VisibilityTimeoutOnSendHidesTheMessageButCountsIt()
    {
        var queue = await NewQueueAsync();

        await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromMinutes(1), cancellationToken: Ct);

        Assert.IsEmpty(await queue.ReceiveMessagesAsync(32, Hidden, Ct));
        Assert.AreEqual(1, await queue.GetApproximateMessageCountAsync(Ct));
    }

    [TestMethod]
    public async Task ReceivedMessageIsHiddenFromTheNextReceive()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("once", cancellationToken: Ct);

        var first = await queue.ReceiveMessagesAsync(1, Hidden, Ct);
        var second = await queue.ReceiveMessagesAsync(32, Hidden, Ct);

        Assert.HasCount(1, first);
        Assert.IsEmpty(second);
        Assert.IsTrue(first[0].NextVisibleOn > DateTimeOffset.UtcNow.AddMinutes(4));
    }

    [TestMethod]
    public async Task DequeueCountIncrementsEachTimeTheMessageReappears()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("again", cancellationToken: Ct);

        var first = await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), Ct);
        var second = await ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(10));

        Assert.AreEqual(1, first.Single().DequeueCount);
        Assert.AreEqual(2, second.DequeueCount);
        Assert.AreEqual(first[0].MessageId, second.MessageId);
        Assert.AreNotEqual(first[0].PopReceipt, second.PopReceipt);
    }

    [TestMethod]
    public async Task ReceiveReturnsAtMostMaxMessages()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendMessageAsync($"m{i}", cancellationToken: Ct);
        }

        var received = await queue.ReceiveMessagesAsync(3, Hidden, Ct);
        var rest = await queue.ReceiveMessagesAsync(32, Hidden, Ct);

        Assert.HasCount(3, received);
        Assert.HasCount(2, rest);
        CollectionAssert.AreEquivalent(
            Enumerable.Range(0, 5).Select(i => $"m{i}").ToList(),
            received.Concat(rest).Select(m => m.MessageText).ToList());
    }

    [TestMethod]
    public async Task ApproximateCountFollowsSendsAndDeletes()
    {
        var queue = await NewQueueAsync();
        Assert.AreEqual(0, await queue.GetApproximateMessageCountAsync(Ct));
        await queue.SendMessageAsync("a", cancellationToken: Ct);
        await queue.SendMessageAsync("b", cancellationToken: Ct);
        Assert.AreEqual(2, await queue.GetApproximateMessageCountAsync(Ct));

        var message = (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single();
        Assert.IsTrue(await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct));

        Assert.AreEqual(1, await queue.GetApproximateMessageCountAsync(Ct));
    }

    [TestMethod]
    public async Task DeleteRemovesTheMessageAndASecondDeleteReportsFalse()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("bye", cancellationToken: Ct);
        var message = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), Ct)).Single();

        Assert.IsTrue(await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct));
        Assert.IsFalse(await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct));
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        Assert.IsEmpty(await queue.ReceiveMessagesAsync(32, Hidden, Ct));
    }

    [TestMethod]
    public async Task DeleteWithASupersededPopReceiptReportsFalseAndLeavesTheMessage()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("contested", cancellationToken: Ct);
        var stale = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), Ct)).Single();
        var current = await ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(10));

        Assert.IsFalse(await queue.DeleteMessageAsync(stale.MessageId, stale.PopReceipt, Ct));
        Assert.IsTrue(await queue.DeleteMessageAsync(current.MessageId, current.PopReceipt, Ct));
    }

    [TestMethod]
    public async Task UpdateReplacesTextAndVisibilityAndIssuesANewPopReceipt()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("before", cancellationToken: Ct);
        var message = (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single();

        var update = await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, "after: 中文 {\"x\":1}", Ct);
        var again = (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single();

        Assert.AreNotEqual(message.PopReceipt, update.PopReceipt);
        Assert.IsTrue(update.NextVisibleOn <= DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.AreEqual("after: 中文 {\"x\":1}", again.MessageText);
        Assert.AreEqual(2, again.DequeueCount);
    }

    [TestMethod]
    public async Task UpdateWithoutTextKeepsTheTextAndExtendsTheTimeout()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("keep me", cancellationToken: Ct);
        var message = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), Ct)).Single();

        var update = await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.FromMinutes(2), cancellationToken: Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

        Assert.IsEmpty(await queue.ReceiveMessagesAsync(32, Hidden, Ct), "the update should have kept it hidden");
        Assert.IsTrue(update.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(100));
        var updated = await queue.UpdateMessageAsync(message.MessageId, update.PopReceipt, TimeSpan.Zero, cancellationToken: Ct);
        Assert.AreEqual("keep me", (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single().MessageText);
        Assert.IsFalse(string.IsNullOrEmpty(updated.PopReceipt));
    }

    [TestMethod]
    public async Task UpdateAfterTheMessageWasDeletedFailsWith404()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("short-lived", cancellationToken: Ct);
        var message = (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single();
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, cancellationToken: Ct));

        Assert.AreEqual(404, error.Status);
        Assert.AreEqual("MessageNotFound", error.ErrorCode);
    }

    [TestMethod]
    public async Task UpdateWithASupersededPopReceiptFailsWith404()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("contested", cancellationToken: Ct);
        var message = (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single();
        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, Hidden, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, "stolen", Ct));

        Assert.AreEqual(404, error.Status);
        Assert.IsEmpty(await queue.ReceiveMessagesAsync(32, Hidden, Ct), "the failed update must not have made it visible");
    }

    [TestMethod]
    public async Task MessageAtTheEncodedSizeLimitIsAccepted()
    {
        var queue = await NewQueueAsync();
        // 49152 bytes of UTF-8 are exactly 65536 characters of Base64.
        var text = new string('a', 49152);

        await queue.SendMessageAsync(text, cancellationToken: Ct);

        Assert.AreEqual(text, (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single().MessageText);
    }

    [TestMethod]
    public async Task OversizeMessageIsRefusedBeforeAnythingIsSent()
    {
        var recorder = new RequestRecorder();
        var queue = await NewQueueAsync(await StorageTestSupport.AzuriteAccountAsync(recorder));
        var sentBefore = recorder.Requests.Count;

        // One byte over the limit; and a multi-byte text whose character count alone looks small enough.
        var error1 = await Assert.ThrowsAsync<ArgumentException>(() => queue.SendMessageAsync(new string('a', 49153), cancellationToken: Ct));
        var error2 = await Assert.ThrowsAsync<ArgumentException>(() => queue.SendMessageAsync(new string('中', 16385), cancellationToken: Ct));

        Assert.AreEqual("messageText", error1.ParamName);
        Assert.AreEqual("messageText", error2.ParamName);
        Assert.AreEqual(sentBefore, recorder.Requests.Count);
        Assert.AreEqual(0, await queue.GetApproximateMessageCountAsync(Ct));
    }

    [TestMethod]
    public async Task OversizeUpdateTextIsRefused()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("small", cancellationToken: Ct);
        var message = (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single();

        await Assert.ThrowsAsync<ArgumentException>(
            () => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, new string('a', 49153), Ct));
    }

    [TestMethod]
    public async Task MaxMessagesOutsideOneToThirtyTwoIsRefused()
    {
        var queue = await NewQueueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(0, Hidden, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(33, Hidden, Ct));
    }

    [TestMethod]
    public async Task InfiniteTimeToLiveIsAccepted()
    {
        var queue = await NewQueueAsync();

        await queue.SendMessageAsync("forever", timeToLive: Timeout.InfiniteTimeSpan, cancellationToken: Ct);

        Assert.AreEqual("forever", (await queue.ReceiveMessagesAsync(1, Hidden, Ct)).Single().MessageText);
    }

    [TestMethod]
    public async Task CreateIfNotExistsTwiceSucceedsAndKeepsMessages()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("kept", cancellationToken: Ct);

        await queue.CreateIfNotExistsAsync(Ct);

        Assert.AreEqual(1, await queue.GetApproximateMessageCountAsync(Ct));
    }

    [TestMethod]
    public async Task SendingToAMissingQueueFailsWithQueueNotFound()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();
        var queue = account.GetQueueClient(StorageTestSupport.UniqueName("none"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x", cancellationToken: Ct));

        Assert.AreEqual(404, error.Status);
        Assert.AreEqual("QueueNotFound", error.ErrorCode);
    }

    [TestMethod]
    public async Task InvalidQueueNamesAreRefused()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();

        Assert.ThrowsExactly<ArgumentException>(() => account.GetQueueClient("Jobs"));
        Assert.ThrowsExactly<ArgumentException>(() => account.GetQueueClient("-jobs"));
        Assert.ThrowsExactly<ArgumentException>(() => account.GetQueueClient("jobs_1"));
    }

    private async Task<QueueMessage> ReceiveOneWithinAsync(QueueClient queue, TimeSpan limit)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var received = await queue.ReceiveMessagesAsync(1, Hidden, Ct);
            if (received.Count > 0)
            {
                return received[0];
            }

            await Task.Delay(200, Ct);
        }

        throw new AssertFailedException($"No message became visible within {limit}.");
    }
}
