using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Shiming.BaiduEmulator;

/// <summary>
/// The standalone emulator: <c>dotnet run -- [--urls URL]</c> serves it, <c>dotnet run -- generate-card …</c> writes a
/// synthetic card, <c>render-cards</c>, <c>render-document</c> and <c>render-moderation</c> write samples. An explicit class rather than top-level statements, because the tests also reference another web
/// app whose top-level <c>Program</c> would clash with a second one.
/// </summary>
internal static class Program
{
    public const string DefaultUrl = "http://127.0.0.1:8790";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == CardCommand.Name)
        {
            return CardCommand.Run(args[1..], Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == RenderCommand.Name)
        {
            return RenderCommand.Run(args[1..], Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == SampleCommands.DocumentName)
        {
            return SampleCommands.RunDocument(args[1..], Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == SampleCommands.ModerationName)
        {
            return SampleCommands.RunModeration(args[1..], Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == MeasureCommand.Name)
        {
            return await MeasureCommand.RunAsync(args[1..], Console.Out, Console.Error);
        }

        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // One line at start and nothing per request: requests carry card images and what they say.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        var options = new EmulatorOptions();
        builder.Configuration.GetSection(EmulatorOptions.SectionName).Bind(options);
        builder.AddEmulator(options, TimeProvider.System);

        await using var app = builder.Build();
        app.MapEmulator();
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        app.Logger.LogInformation(
            "Baidu OCR emulator listening on {Urls} (API key {ApiKey}, secret key {SecretKey}, QPS {QpsLimits}); {Recognition}",
            string.Join(", ", addresses),
            options.ApiKey,
            options.SecretKey,
            string.Join(", ", EmulatorApis.All.Select(api => $"{api} {options.For(api).QpsLimit}")),
            DescribeRecognition(options));

        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The start-up line's word on images without ground truth: read, or why not and how to change that.</summary>
    private static string DescribeRecognition(EmulatorOptions options)
    {
        if (options.Recognition == RecognitionMode.Off)
        {
            return "images without ground truth are answered as non-cards (Emulator:Recognition is Off)";
        }

        var availability = PaddleOcr.Probe(PaddleOcr.ResolveFolder(options.OcrModels));
        return availability.IsAvailable
            ? $"images without ground truth are read by {availability.Description}"
            : $"images without ground truth are answered as non-cards: {availability.Description}";
    }
}
