using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection.PortableExecutable;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Shiming.Hosting;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>
/// The deployable artifact, made by the packaging command (<c>dotnet publish functions -c Release</c>,
/// which azd runs too): a Functions script root that the Flex Consumption host can start as it is.
/// </summary>
[TestClass]
public sealed class PackageLayoutTests
{
    private static string s_workspace = null!;
    private static string s_package = null!;

    [ClassInitialize]
    public static async Task PublishAsync(TestContext context)
    {
        s_workspace = Directory.CreateTempSubdirectory("shiming-package-").FullName;
        s_package = Path.Combine(s_workspace, "package");

        // The README's packaging command, with its own build folders so that it never races the test build.
        var publish = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList =
            {
                "publish", Path.Combine(Repository.Root, "functions", "Shiming.Functions.csproj"),
                "-c", "Release", "-o", s_package, "--artifacts-path", Path.Combine(s_workspace, "build"), "-nologo",
                "--disable-build-servers", // leave no build server running after the test
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(publish)!;
        var output = process.StandardOutput.ReadToEndAsync(context.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(context.CancellationToken);
        await process.WaitForExitAsync(context.CancellationToken);
        Assert.AreEqual(0, process.ExitCode, $"dotnet publish failed:\n{await output}\n{await errors}");
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(s_workspace, recursive: true);

    [TestMethod]
    public void Host_json_at_the_root_starts_the_handler_as_a_custom_handler_with_forwarded_HTTP()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_package, "host.json")));
        var root = host.RootElement;
        var handler = root.GetProperty("customHandler");
        var description = handler.GetProperty("description");

        Assert.AreEqual("2.0", root.GetProperty("version").GetString());
        Assert.AreEqual("Shiming.Functions", description.GetProperty("defaultExecutablePath").GetString());
        Assert.AreEqual(s_package, Path.GetFullPath(Path.Combine(s_package, description.GetProperty("workingDirectory").GetString()!)).TrimEnd('/'));
        Assert.IsTrue(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.AreEqual("Microsoft.Azure.Functions.ExtensionBundle", root.GetProperty("extensionBundle").GetProperty("id").GetString());
        StringAssert.StartsWith(root.GetProperty("extensionBundle").GetProperty("version").GetString(), "[4.");
        Assert.AreEqual(ShimingFunctions.RoutePrefix, root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [TestMethod]
    public void Every_function_has_its_folder_with_a_function_json_and_every_folder_is_a_function()
    {
        // Besides the functions, only the web page's static files: a folder without function.json, which the host skips.
        var folders = Directory.GetDirectories(s_package).Select(Path.GetFileName).Where(f => f != "Web").ToList();
        Assert.IsEmpty(Directory.GetFiles(Path.Combine(s_package, "Web"), "function.json", SearchOption.AllDirectories));

        CollectionAssert.AreEquivalent(ShimingFunctions.All.Select(f => f.Name).ToArray(), folders);
        foreach (var function in ShimingFunctions.All)
        {
            var files = Directory.GetFileSystemEntries(Path.Combine(s_package, function.Name)).Select(Path.GetFileName).ToArray();
            CollectionAssert.AreEqual(new[] { "function.json" }, files, function.Name);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_package, function.Name, "function.json")));
            Assert.IsGreaterThan(0, json.RootElement.GetProperty("bindings").GetArrayLength());
        }
    }

    [TestMethod]
    [UnsupportedOSPlatform("windows")] // the package is built for Linux; Windows file systems have no execute bit
    public void The_handler_is_a_linux_x64_executable_with_its_execute_bit()
    {
        var handler = Path.Combine(s_package, "Shiming.Functions");

        Assert.IsTrue(File.Exists(handler));
        Assert.IsTrue(File.GetUnixFileMode(handler).HasFlag(UnixFileMode.UserExecute), "no execute bit: the host could not start it");
        var header = new byte[20];
        using (var file = File.OpenRead(handler))
        {
            file.ReadExactly(header);
        }

        CollectionAssert.AreEqual("\u007fELF"u8.ToArray(), header[..4], "not an ELF executable");
        Assert.AreEqual(2, header[4], "not 64-bit");
        Assert.AreEqual(0x3E, BitConverter.ToUInt16(header, 18), "not x86-64");
    }

    [TestMethod]
    public void The_handler_is_self_contained_and_precompiled_with_the_framework()
    {
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_package, "Shiming.Functions.runtimeconfig.json")));
        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");

        // A self-contained app lists the frameworks it carries; a framework-dependent one those it needs installed.
        Assert.IsTrue(options.TryGetProperty("includedFrameworks", out _));
        Assert.IsFalse(options.TryGetProperty("frameworks", out _));
        Assert.IsTrue(File.Exists(Path.Combine(s_package, "libcoreclr.so")));
        using var assembly = new PEReader(File.OpenRead(Path.Combine(s_package, "Shiming.Functions.dll")));
        Assert.IsGreaterThan(0, assembly.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size, "Shiming.Functions.dll is not ReadyToRun");
        // Composite: the app and the framework precompiled together into one image.
        Assert.IsTrue(File.Exists(Path.Combine(s_package, "Shiming.Functions.r2r.dll")), "no composite ReadyToRun image");
    }

    [TestMethod]
    public void Nothing_in_the_package_would_confuse_the_host()
    {
        var files = Directory.GetFiles(s_package, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(s_package, p)).ToList();

        // One host.json, at the root; function.json only in function folders; no local settings; no IIS or
        // static-asset files; no appsettings that could change the app's behaviour from what the settings say.
        CollectionAssert.AreEqual(new[] { "host.json" }, files.Where(f => Path.GetFileName(f) == "host.json").ToArray());
        Assert.HasCount(ShimingFunctions.All.Count, files.Where(f => Path.GetFileName(f) == "function.json"));
        Assert.IsEmpty(files.Where(f => Path.GetFileName(f) is "local.settings.json" or "local.settings.sample.json" or "web.config" or "proxies.json"));
        Assert.IsEmpty(files.Where(f => f.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) || f.Contains("staticwebassets", StringComparison.OrdinalIgnoreCase)));
    }

    [TestMethod]
    public async Task The_packaged_handler_starts_on_its_own_and_answers_the_hosts_readiness_probe()
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(s_package, "Shiming.Functions"))
        {
            WorkingDirectory = s_package,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As in Azure: Production, identity-based storage, Baidu keys resolved from Key Vault; no dotnet on the path.
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["AzureWebJobsStorage__accountName"] = "stpackagetest";
        start.Environment["AzureWebJobsStorage__credential"] = "managedidentity";
        start.Environment["Baidu__ApiKey"] = "package-test-key";
        start.Environment["Baidu__SecretKey"] = "package-test-secret";
        start.Environment["Encryption__CurrentKeyId"] = "k1";
        start.Environment["Encryption__Keys__k1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        start.Environment["Encryption__BlindIndexKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment.Remove("DOTNET_ROOT");
        start.Environment.Remove("ASPNETCORE_URLS");

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            HttpResponseMessage? ready = null;
            while (ready is null)
            {
                try
                {
                    ready = await client.GetAsync("/");
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(25);
                }
            }

            using (ready)
            {
                Assert.AreEqual(HttpStatusCode.OK, ready.StatusCode, output.ToString());
            }

            using var unauthenticated = await client.GetAsync("/api/verifications/0f8fad5bd9cb469fa16570867728950e");
            Assert.AreEqual(HttpStatusCode.Unauthorized, unauthenticated.StatusCode, "outside Development an unidentified caller is refused");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
