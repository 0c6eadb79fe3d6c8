using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shiming.Tests.Infrastructure;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class LocalHttpPortTests
{
    [TestMethod]
    public async Task Without_a_port_the_front_door_listens_on_Host_LocalHttpPort()
    {
        // A copy of the test worker whose local.settings.json names a port free now, so no fixed port is taken.
        var root = Directory.CreateTempSubdirectory("local-http-port-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(TestHosts.TestWorkerOutput, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(root, Path.GetRelativePath(TestHosts.TestWorkerOutput, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var port = FreePort();
            var settings = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "local.settings.json")))!;
            settings["Host"]!["LocalHttpPort"] = port;
            await File.WriteAllTextAsync(Path.Combine(root, "local.settings.json"), settings.ToJsonString());
            var azurite = await Azurite.GetSharedAsync();

            await using var host = await FunctionsHost.StartAsync(
                new FunctionsHostOptions
                {
                    ScriptRoot = root,
                    Settings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString },
                },
                LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning)));
            using var client = new HttpClient();
            using var response = await client.GetAsync($"http://127.0.0.1:{port}/test-api/echo/ada");

            Assert.AreEqual(port, host.BaseAddress.Port);
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_port_that_is_taken_fails_the_start_with_an_io_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var azurite = await Azurite.GetSharedAsync();

        await Assert.ThrowsAsync<IOException>(() => FunctionsHost.StartAsync(
            new FunctionsHostOptions
            {
                ScriptRoot = TestHosts.TestWorkerOutput,
                Port = ((IPEndPoint)taken.LocalEndpoint).Port,
                Settings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString },
            },
            LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Critical))));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
