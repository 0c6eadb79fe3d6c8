using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Configuration;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class HostJsonTests
{
    [TestMethod]
    public void Without_host_json_the_hosts_defaults_apply()
    {
        var settings = HostJson.Load(Path.Combine(Path.GetTempPath(), $"no-host-json-{Guid.NewGuid():N}"));

        Assert.AreEqual("api", settings.RoutePrefix);
        Assert.AreEqual(new QueueSettings(), settings.Queues);
        Assert.AreEqual(16, settings.Queues.BatchSize);
        Assert.AreEqual(8, settings.Queues.NewBatchThreshold);
        Assert.AreEqual(TimeSpan.FromMinutes(1), settings.Queues.MaxPollingInterval);
        Assert.AreEqual(TimeSpan.Zero, settings.Queues.VisibilityTimeout);
        Assert.AreEqual(5, settings.Queues.MaxDequeueCount);
        Assert.AreEqual(QueueMessageEncoding.Base64, settings.Queues.MessageEncoding);
        Assert.AreEqual(TimeSpan.FromSeconds(60), settings.Singleton.ListenerLockPeriod);
        Assert.AreEqual(TimeSpan.FromMinutes(1), settings.Singleton.ListenerLockRecoveryPollingInterval);
        Assert.AreEqual(TimeSpan.FromMinutes(30), settings.FunctionTimeout);
        Assert.IsEmpty(settings.LogLevels);
    }

    [TestMethod]
    public void Host_json_sets_the_route_prefix_and_queue_settings_and_a_batch_size_moves_the_threshold()
    {
        var settings = HostJson.Load(TestHosts.TestWorkerOutput);

        Assert.AreEqual("test-api", settings.RoutePrefix);
        Assert.AreEqual(4, settings.Queues.BatchSize);
        Assert.AreEqual(2, settings.Queues.NewBatchThreshold);
        Assert.AreEqual(TimeSpan.FromSeconds(1), settings.Queues.MaxPollingInterval);
        Assert.AreEqual(TimeSpan.FromSeconds(15), settings.Singleton.ListenerLockPeriod);
        Assert.AreEqual(TimeSpan.FromSeconds(15), settings.Singleton.ListenerLockRecoveryPollingInterval);
        Assert.AreEqual(TimeSpan.FromMinutes(5), settings.FunctionTimeout);
        Assert.AreEqual(LogLevel.Warning, settings.LogLevels["Function.Work"]);
        Assert.AreEqual(LogLevel.Information, settings.LogLevels["function.work.user"]);
    }

    [TestMethod]
    [DataRow("-1", null)]
    [DataRow("00:10:00", 600)]
    public void A_function_timeout_of_minus_one_is_none(string value, int? seconds)
    {
        var settings = Load($$"""{ "version": "2.0", "functionTimeout": "{{value}}" }""");

        Assert.AreEqual(seconds is { } s ? TimeSpan.FromSeconds(s) : null, settings.FunctionTimeout);
    }

    [TestMethod]
    [DataRow("listenerLockRecoveryPollingInterval", "00:00:10", DisplayName = "a recovery polling interval under 15 s, as the SDK refuses it")]
    [DataRow("listenerLockPeriod", "00:02:00", DisplayName = "a listener lock period that a blob lease cannot have")]
    public void A_singleton_setting_out_of_range_is_refused(string setting, string value)
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => Load($$"""{ "version": "2.0", "singleton": { "{{setting}}": "{{value}}" } }"""));

        StringAssert.Contains(error.Message, $"singleton.{setting}");
    }

    [TestMethod]
    public void Local_settings_give_the_values_port_and_cors()
    {
        var settings = LocalSettings.Load(TestHosts.TestWorkerOutput);

        Assert.AreEqual("from local.settings.json", settings.Values["TestWorker__Greeting"]);
        Assert.AreEqual(7199, settings.LocalHttpPort);
        CollectionAssert.AreEqual(new[] { "https://allowed.example" }, settings.CorsOrigins.ToArray());
        Assert.IsTrue(settings.CorsCredentials);
    }

    /// <summary>Loads <paramref name="hostJson"/> as the <c>host.json</c> of a script root of its own.</summary>
    private static HostJson Load(string hostJson)
    {
        var root = Directory.CreateTempSubdirectory("host-json-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "host.json"), hostJson);
            return HostJson.Load(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
