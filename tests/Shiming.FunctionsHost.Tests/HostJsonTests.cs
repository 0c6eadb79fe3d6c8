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
    }

    [TestMethod]
    public void Host_json_sets_the_route_prefix_and_queue_settings_and_a_batch_size_moves_the_threshold()
    {
        var settings = HostJson.Load(TestHosts.TestWorkerOutput);

        Assert.AreEqual("test-api", settings.RoutePrefix);
        Assert.AreEqual(4, settings.Queues.BatchSize);
        Assert.AreEqual(2, settings.Queues.NewBatchThreshold);
        Assert.AreEqual(TimeSpan.FromSeconds(1), settings.Queues.MaxPollingInterval);
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
}
