using Azure.Storage.Queues;
using Shiming.Tests.Infrastructure;

namespace Shiming.FunctionsHost.Tests;

/// <summary>A host of its own on queues no other host polls: every host started from the test worker listens to the
/// queue its settings name, and one running beside this class would take these messages for its own worker.</summary>
[TestClass]
public sealed class QueueTriggerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string WorkQueue = $"work-{Guid.NewGuid():N}";
    private static FunctionsHost _host = null!;
    private static QueueClient _queue = null!;
    private static QueueClient _poison = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        var azurite = await Azurite.GetSharedAsync();
        var options = new QueueClientOptions(TestHosts.AzuriteQueueVersion) { MessageEncoding = QueueMessageEncoding.Base64 };
        _queue = new QueueClient(azurite.ConnectionString, WorkQueue, options);
        _poison = new QueueClient(azurite.ConnectionString, $"{WorkQueue}-poison", options);
        await _queue.CreateIfNotExistsAsync();
        _host = await TestHosts.StartAsync(settings: new Dictionary<string, string> { ["TestWorker__WorkQueue"] = WorkQueue });
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _queue.DeleteIfExistsAsync();
        await _poison.DeleteIfExistsAsync();
    }

    [TestMethod]
    public async Task A_base64_message_is_given_to_the_function_as_text_and_deleted_when_it_succeeds()
    {
        var text = $"hello-{Guid.NewGuid():N}";
        var sent = (await _queue.SendMessageAsync(text)).Value;

        var received = await _host.WorkerLog.WaitForAsync(e => e.Message.StartsWith($"Work received {text} ", StringComparison.Ordinal), Wait);
        StringAssert.Contains(received.Message, "DequeueCount=1");
        StringAssert.Contains(received.Message, $"Id={sent.MessageId}");
        await WaitUntilAsync(async () => !await ContainsAsync(_queue, text));
    }

    [TestMethod]
    public async Task A_message_that_fails_is_retried_at_once_and_after_five_dequeues_moves_to_the_poison_queue()
    {
        var text = $"fail-{Guid.NewGuid():N}";
        await _queue.SendMessageAsync(text);

        await WaitUntilAsync(() => ContainsAsync(_poison, text));
        var attempts = _host.WorkerLog.Entries
            .Where(e => e.Message.StartsWith($"Work received {text} ", StringComparison.Ordinal))
            .Select(e => e.Message[(e.Message.IndexOf("DequeueCount=", StringComparison.Ordinal) + 13)..].Split(' ')[0])
            .ToArray();
        CollectionAssert.AreEqual(new[] { "1", "2", "3", "4", "5" }, attempts);
        Assert.IsFalse(await ContainsAsync(_queue, text));
    }

    [TestMethod]
    public async Task A_message_that_is_not_base64_moves_to_the_poison_queue_and_the_listener_goes_on()
    {
        var raw = new QueueClient((await Azurite.GetSharedAsync()).ConnectionString, WorkQueue,
            new QueueClientOptions(TestHosts.AzuriteQueueVersion) { MessageEncoding = QueueMessageEncoding.None });
        var notBase64 = $"not base64 {Guid.NewGuid():N}!";
        await raw.SendMessageAsync(notBase64);
        var after = $"after-{Guid.NewGuid():N}";
        await _queue.SendMessageAsync(after);

        await _host.WorkerLog.WaitForAsync(e => e.Message.StartsWith($"Work received {after} ", StringComparison.Ordinal), Wait);
        var poison = new QueueClient((await Azurite.GetSharedAsync()).ConnectionString, $"{WorkQueue}-poison",
            new QueueClientOptions(TestHosts.AzuriteQueueVersion) { MessageEncoding = QueueMessageEncoding.None });
        await WaitUntilAsync(async () => await poison.ExistsAsync()
            && (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString() == notBase64));
    }

    private static async Task<bool> ContainsAsync(QueueClient queue, string text)
    {
        if (!await queue.ExistsAsync())
        {
            return false;
        }

        // Peeking sees only visible messages; a message being worked on is invisible, so peek more than once.
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        return messages.Any(m => m.Body.ToString() == text);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            await Task.Delay(200, timeout.Token);
        }
    }
}
