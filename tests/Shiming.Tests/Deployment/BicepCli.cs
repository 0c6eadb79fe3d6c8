using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>One diagnostic of <c>bicep lint</c>: where, which rule, how bad, and what it says.</summary>
internal sealed record BicepDiagnostic(string File, int Line, string RuleId, string Level, string Message)
{
    public override string ToString() => $"{File}({Line}) {Level} {RuleId}: {Message}";
}

/// <summary>What <c>bicep lint</c> said about a folder: its exit code, one report per file it read, and every diagnostic.</summary>
internal sealed record BicepLintReport(int ExitCode, int FilesLinted, IReadOnlyList<BicepDiagnostic> Diagnostics);

/// <summary>
/// The Bicep CLI of the Azure.Bicep.CommandLine.linux-x64 package (the same compiler as
/// <c>az bicep</c> and azd use), run as a process: the test project passes the path of the
/// executable in an assembly attribute.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    /// <summary>Compiles a Bicep file to ARM JSON; fails the test with the compiler's diagnostics if it does not compile.</summary>
    public static JsonElement Build(string bicepFile)
    {
        var (exitCode, stdout, stderr) = Run(Path.GetDirectoryName(bicepFile)!, "build", bicepFile, "--stdout");
        Assert.AreEqual(0, exitCode, $"bicep build {Relative(bicepFile)} failed:\n{stderr}");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    /// <summary>Lints every <c>.bicep</c> file under a folder, modules that no template uses included.</summary>
    public static BicepLintReport Lint(string folder)
    {
        var (exitCode, stdout, _) = Run(folder, "lint", "--pattern", "**/*.bicep", "--diagnostics-format", "sarif");

        // With --pattern the CLI writes one SARIF log per file, one after the other.
        var files = 0;
        var diagnostics = new List<BicepDiagnostic>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(stdout), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var log = JsonDocument.ParseValue(ref reader);
            files++;
            foreach (var result in log.RootElement.GetProperty("runs").EnumerateArray().SelectMany(r => r.GetProperty("results").EnumerateArray()))
            {
                var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
                diagnostics.Add(new BicepDiagnostic(
                    Relative(new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!).LocalPath),
                    location.GetProperty("region").GetProperty("startLine").GetInt32(),
                    result.GetProperty("ruleId").GetString()!,
                    // SARIF's default level is warning, and Bicep leaves it out for warnings.
                    result.TryGetProperty("level", out var level) ? level.GetString()! : "warning",
                    result.GetProperty("message").GetProperty("text").GetString()!));
            }
        }

        return new BicepLintReport(exitCode, files, diagnostics);
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI is a single-file .NET program; without ICU on the machine it would stop at start.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"bicep {string.Join(' ', arguments)} did not finish within two minutes.");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value;
        if (!OperatingSystem.IsLinux())
        {
            throw new AssertFailedException("The Bicep compiler the tests use is the linux-x64 build.");
        }

        Assert.IsTrue(File.Exists(path), $"The Bicep compiler is not where the package was restored: {path}");

        // A package is a zip, which has no execute bit; whether one is set depends on the NuGet client that extracted it.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path);
}
