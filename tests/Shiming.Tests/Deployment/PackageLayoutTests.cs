using System.Diagnostics;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>
/// The deployable artifact, made by the packaging command (<c>dotnet publish functions -c Release</c>, which azd runs
/// too): the worker's script root, which the Functions host on Flex Consumption (runtime dotnet-isolated 10.0) loads
/// as it is.
/// </summary>
[TestClass]
public sealed class PackageLayoutTests
{
    /// <summary>Every function of the app as the host must see it: HTTP routes (under the <c>api</c> prefix) and methods, timer schedules.</summary>
    private static readonly (string Name, string Trigger, string Method, string RouteOrSchedule)[] ExpectedFunctions =
    [
        ("SubmitVerification", "httpTrigger", "post", "verifications"),
        ("GetVerificationStatus", "httpTrigger", "get", "verifications/{id}"),
        ("TerminateVerification", "httpTrigger", "post", "verifications/{id}/terminate"),
        ("PurgeVerification", "httpTrigger", "delete", "verifications/{id}"),
        ("SubmitTextRecognition", "httpTrigger", "post", "text-recognitions"),
        ("GetTextRecognitionStatus", "httpTrigger", "get", "text-recognitions/{id}"),
        ("TerminateTextRecognition", "httpTrigger", "post", "text-recognitions/{id}/terminate"),
        ("PurgeTextRecognition", "httpTrigger", "delete", "text-recognitions/{id}"),
        ("SubmitImageModeration", "httpTrigger", "post", "image-moderations"),
        ("GetImageModerationStatus", "httpTrigger", "get", "image-moderations/{id}"),
        ("TerminateImageModeration", "httpTrigger", "post", "image-moderations/{id}/terminate"),
        ("PurgeImageModeration", "httpTrigger", "delete", "image-moderations/{id}"),
        ("SubmitIdentityCheck", "httpTrigger", "post", "identity-checks"),
        ("GetIdentityCheckStatus", "httpTrigger", "get", "identity-checks/{id}"),
        ("TerminateIdentityCheck", "httpTrigger", "post", "identity-checks/{id}/terminate"),
        ("PurgeIdentityCheck", "httpTrigger", "delete", "identity-checks/{id}"),
        ("ListPatients", "httpTrigger", "get", "patients"),
        ("AddPatient", "httpTrigger", "post", "patients"),
        ("GetPatient", "httpTrigger", "get", "patients/{id}"),
        ("RemovePatient", "httpTrigger", "delete", "patients/{id}"),
        ("GetOpenApiDocument", "httpTrigger", "get", "openapi/{documentName}.json"),
        ("WebPage", "httpTrigger", "get", "web/{*path}"),
        ("DrainVerifications", "timerTrigger", "", "*/1 * * * * *"),
        ("DrainTextRecognitions", "timerTrigger", "", "*/1 * * * * *"),
        ("DrainImageModerations", "timerTrigger", "", "*/1 * * * * *"),
        ("DrainIdentityChecks", "timerTrigger", "", "*/1 * * * * *"),
        ("PurgeExpiredVerifications", "timerTrigger", "", "0 30 3 * * *"),
    ];

    private static string s_workspace = null!;
    private static string s_package = null!;

    [ClassInitialize]
    public static async Task PublishAsync(TestContext context)
    {
        s_workspace = Directory.CreateTempSubdirectory("shiming-package-").FullName;
        s_package = Path.Combine(s_workspace, "package");

        // The packaging command of docs/deploying.md, with its own build folders so that it never races the test build.
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
    public void Functions_metadata_lists_every_function_with_its_route_method_or_schedule()
    {
        var metadata = ReadJson("functions.metadata").EnumerateArray().ToList();

        CollectionAssert.AreEquivalent(ExpectedFunctions.Select(f => f.Name).ToArray(), metadata.Select(f => f.GetProperty("name").GetString()).ToArray());
        foreach (var expected in ExpectedFunctions)
        {
            var function = metadata.Single(f => f.GetProperty("name").GetString() == expected.Name);
            Assert.AreEqual("Shiming.Functions.dll", function.GetProperty("scriptFile").GetString(), expected.Name);
            Assert.AreEqual("dotnet-isolated", function.GetProperty("language").GetString(), expected.Name);
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In");
            Assert.AreEqual(expected.Trigger, trigger.GetProperty("type").GetString(), expected.Name);
            if (expected.Trigger == "httpTrigger")
            {
                Assert.AreEqual(expected.RouteOrSchedule, trigger.GetProperty("route").GetString(), expected.Name);
                CollectionAssert.AreEqual(new[] { expected.Method }, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).ToArray(), expected.Name);
                // Callers are identified by App Service Authentication, not by function keys, which no client of the API has.
                Assert.AreEqual("Anonymous", trigger.GetProperty("authLevel").GetString(), expected.Name);
            }
            else
            {
                Assert.AreEqual(expected.RouteOrSchedule, trigger.GetProperty("schedule").GetString(), expected.Name);
            }
        }
    }

    [TestMethod]
    public void Every_function_in_the_code_is_in_the_metadata()
    {
        // The list above is the contract; this keeps it from missing a function the code added.
        var inCode = typeof(Shiming.Storage.StorageConnection).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name)
            .OfType<string>()
            .ToArray();
        var inMetadata = ReadJson("functions.metadata").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray();

        Assert.IsNotEmpty(inCode);
        CollectionAssert.AreEquivalent(inCode, inMetadata);
    }

    [TestMethod]
    public void Worker_config_json_starts_the_worker_with_dotnet_as_the_isolated_runtime_the_local_settings_name()
    {
        var description = ReadJson("worker.config.json").GetProperty("description");

        Assert.AreEqual("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.AreEqual("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.AreEqual("Shiming.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.IsTrue(File.Exists(Path.Combine(s_package, description.GetProperty("defaultWorkerPath").GetString()!)));
        // The SDK writes the flag as a string; the host reads the functions from the worker rather than from function.json files.
        Assert.AreEqual("true", description.GetProperty("workerIndexing").GetString());
        // The host picks this worker when FUNCTIONS_WORKER_RUNTIME names its language.
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")));
        Assert.AreEqual(description.GetProperty("language").GetString(), sample.RootElement.GetProperty("Values").GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
    }

    [TestMethod]
    public void Host_json_sets_the_api_route_prefix_and_nothing_of_the_custom_handler_or_an_extension_bundle()
    {
        var host = ReadJson("host.json");

        Assert.AreEqual("2.0", host.GetProperty("version").GetString());
        Assert.AreEqual("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.IsFalse(host.TryGetProperty("customHandler", out _), "a custom handler section would make the host start the worker as a custom handler");
        // The worker's extensions are built into .azurefunctions; Core Tools refuses a bundle beside precompiled functions.
        Assert.IsFalse(host.TryGetProperty("extensionBundle", out _));
    }

    [TestMethod]
    public void The_extensions_the_host_loads_for_the_worker_are_in_the_package()
    {
        var extensions = ReadJson("extensions.json").GetProperty("extensions").EnumerateArray().ToList();

        Assert.IsNotEmpty(extensions);
        foreach (var extension in extensions)
        {
            var hintPath = extension.GetProperty("hintPath").GetString()!;
            Assert.IsTrue(File.Exists(Path.Combine(s_package, hintPath)), $"{hintPath} is named in extensions.json but not in the package");
        }
    }

    [TestMethod]
    public void The_web_page_files_are_in_the_package_as_they_are_in_the_source()
    {
        var source = Path.Combine(Repository.Root, "functions", "Web", "wwwroot");
        var packaged = Path.Combine(s_package, "Web", "wwwroot");
        string[] Files(string root) => [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal)];

        CollectionAssert.Contains(Files(source), "index.html");
        CollectionAssert.AreEqual(Files(source), Files(packaged));
        foreach (var file in Files(source))
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(packaged, file)), file);
        }
    }

    [TestMethod]
    public void The_worker_runs_on_the_platforms_NET_and_is_precompiled_for_linux_x64()
    {
        var options = ReadJson("Shiming.Functions.runtimeconfig.json").GetProperty("runtimeOptions");

        // Framework-dependent: the runtime dotnet-isolated 10.0 brings .NET and ASP.NET Core; the package carries neither.
        CollectionAssert.AreEquivalent(
            new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" },
            options.GetProperty("frameworks").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray());
        Assert.IsFalse(options.TryGetProperty("includedFrameworks", out _));
        Assert.AreEqual("net10.0", options.GetProperty("tfm").GetString());
        Assert.IsFalse(File.Exists(Path.Combine(s_package, "libcoreclr.so")));
        Assert.AreEqual(".NETCoreApp,Version=v10.0/linux-x64", ReadJson("Shiming.Functions.deps.json").GetProperty("runtimeTarget").GetProperty("name").GetString());
        using var assembly = new PEReader(File.OpenRead(Path.Combine(s_package, "Shiming.Functions.dll")));
        Assert.IsGreaterThan(0, assembly.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size, "Shiming.Functions.dll is not ReadyToRun");
    }

    [TestMethod]
    public void Nothing_in_the_package_would_confuse_the_host()
    {
        var files = Directory.GetFiles(s_package, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(s_package, p)).ToList();

        // One host.json, at the root; no function.json anywhere (a folder with one would be taken for a script
        // function); no local settings; no IIS or static-asset files; no appsettings that could change the app's
        // behaviour from what the app settings say.
        CollectionAssert.AreEqual(new[] { "host.json" }, files.Where(f => Path.GetFileName(f) == "host.json").ToArray());
        Assert.IsEmpty(files.Where(f => Path.GetFileName(f) == "function.json"));
        Assert.IsEmpty(files.Where(f => Path.GetFileName(f) is "local.settings.json" or "local.settings.sample.json" or "web.config" or "proxies.json"));
        Assert.IsEmpty(files.Where(f => f.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) || f.Contains("staticwebassets", StringComparison.OrdinalIgnoreCase)));
    }

    private static JsonElement ReadJson(string relativePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_package, relativePath)));
        return document.RootElement.Clone();
    }
}
