using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>measure-recognition [--count N] [--seed N]</c>: renders a clean and a degraded set of the same made-up cards to a
/// temporary folder, sends every picture to an in-process emulator as a Baidu client would, and prints per-field
/// exact-match rates and seconds per image as a Markdown table. Prints no field values.
/// </summary>
internal static class MeasureCommand
{
    public const string Name = "measure-recognition";

    private const string Usage = "usage: measure-recognition [--count N] [--seed N]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var count = 50;
        var seed = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--count" when int.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > 0:
                    count = parsed;
                    i++;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var parsed):
                    seed = parsed;
                    i++;
                    break;
                default:
                    error.WriteLine($"{Name}: unexpected argument '{args[i]}'.");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        var availability = BaiduEmulatorHost.ProbeRecognition();
        if (!availability.IsAvailable)
        {
            error.WriteLine($"{Name}: {availability.Description}");
            return 1;
        }

        var folder = Directory.CreateTempSubdirectory("shiming-measure-");
        try
        {
            await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 10_000 });
            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            var token = await GetTokenAsync(http, host.Options);

            var clean = await MeasureSetAsync(http, token, Path.Combine(folder.FullName, "clean"), count, seed, degraded: false, error);
            var degraded = await MeasureSetAsync(http, token, Path.Combine(folder.FullName, "degraded"), count, seed, degraded: true, error);
            error.WriteLine();

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{count} made-up cards per set (front and back each, seed {seed}); {availability.Description}; {Environment.ProcessorCount} cores; one image at a time."));
            output.WriteLine();
            WriteTable(output, clean, degraded);
            output.WriteLine(Summary(seed, count, clean, degraded));
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<SetResult> MeasureSetAsync(HttpClient http, string token, string directory, int count, int seed, bool degraded, TextWriter progress)
    {
        var cards = CardRenderSet.Write(directory, count, seed, degraded);
        var result = new SetResult();
        foreach (var card in cards)
        {
            var front = await RecognizeAsync(http, token, Path.Combine(directory, card.FrontFile), IdCardFields.Front, result);
            var back = await RecognizeAsync(http, token, Path.Combine(directory, card.BackFile), IdCardFields.Back, result);
            var allExact = true;
            foreach (var (expected, reply) in new[] { (card.Front, front), (card.Back, back) })
            {
                foreach (var (field, value) in expected)
                {
                    var exact = reply.Words.TryGetValue(field, out var words) && words == value;
                    result.Count(field, exact);
                    allExact &= exact;
                }
            }

            result.Count(AllFields, allExact);
            result.Count(NumberConsistent, front.NumberType == 1);
            progress.Write('.');
        }

        return result;
    }

    private const string AllFields = "every field of the card";
    private const string NumberConsistent = "`idcard_number_type` 1";
    private const string SideFound = "`image_status` normal (side found)";

    private static async Task<Reply> RecognizeAsync(HttpClient http, string token, string path, string side, SetResult result)
    {
        var image = Convert.ToBase64String(await File.ReadAllBytesAsync(path));
        using var form = new FormUrlEncodedContent([new("id_card_side", side), new("image", image)]);
        var watch = Stopwatch.StartNew();
        using var response = await http.PostAsync($"rest/2.0/ocr/v1/idcard?access_token={Uri.EscapeDataString(token)}", form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        watch.Stop();
        result.Seconds.Add(watch.Elapsed.TotalSeconds);

        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.TryGetProperty("words_result", out var fields))
        {
            foreach (var field in fields.EnumerateObject())
            {
                words[field.Name] = field.Value.GetProperty("words").GetString() ?? string.Empty;
            }
        }

        result.Count(SideFound, body.TryGetProperty("image_status", out var status) && status.GetString() == "normal");
        var numberType = body.TryGetProperty("idcard_number_type", out var type) ? type.GetInt32() : (int?)null;
        return new Reply(words, numberType);
    }

    private static async Task<string> GetTokenAsync(HttpClient http, EmulatorOptions options)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", options.ApiKey),
            new("client_secret", options.SecretKey),
        ]);
        using var response = await http.PostAsync("oauth/2.0/token", form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    private static void WriteTable(TextWriter output, SetResult clean, SetResult degraded)
    {
        var table = new StringBuilder();
        table.AppendLine("| | clean | degraded |");
        table.AppendLine("| --- | ---: | ---: |");
        foreach (var row in (string[])[.. IdCardFields.FrontKeys, .. IdCardFields.BackKeys, AllFields, NumberConsistent, SideFound])
        {
            var label = row.StartsWith('`') || row == AllFields ? row : $"`{row}` exact";
            table.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {clean.Rate(row)} | {degraded.Rate(row)} |");
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"| seconds per image, mean | {clean.Seconds.Average():0.00} | {degraded.Seconds.Average():0.00} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| seconds per image, p95 | {Percentile(clean.Seconds, 0.95):0.00} | {Percentile(degraded.Seconds, 0.95):0.00} |");
        output.Write(table.ToString());
    }

    /// <summary>The figures of the table that runs are compared by, as one line of JSON (shares from 0 to 1).</summary>
    private static string Summary(int seed, int count, SetResult clean, SetResult degraded)
    {
        var seconds = clean.Seconds.Concat(degraded.Seconds).ToList();
        var summary = new System.Text.Json.Nodes.JsonObject
        {
            ["seed"] = seed,
            ["count"] = count,
            ["clean"] = Shares(clean),
            ["degraded"] = Shares(degraded),
            ["secondsPerImage"] = new System.Text.Json.Nodes.JsonObject
            {
                ["mean"] = Math.Round(seconds.Average(), 3),
                ["p95"] = Math.Round(Percentile(seconds, 0.95), 3),
            },
            ["peakWorkingSetMiB"] = Math.Round(Environment.WorkingSet > 0 ? Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0 : 0, 0),
        };
        return summary.ToJsonString();

        static System.Text.Json.Nodes.JsonObject Shares(SetResult set) => new()
        {
            ["name"] = set.Share(IdCardFields.Name),
            ["idNumber"] = set.Share(IdCardFields.IdNumber),
            ["address"] = set.Share(IdCardFields.Address),
            ["allFields"] = set.Share(AllFields),
        };
    }

    // Nearest rank: the smallest value with at least that share of the values at or below it.
    private static double Percentile(List<double> values, double share)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];
    }

    private sealed record Reply(Dictionary<string, string> Words, int? NumberType);

    private sealed class SetResult
    {
        private readonly Dictionary<string, (int Hits, int Total)> _counts = new(StringComparer.Ordinal);

        public List<double> Seconds { get; } = [];

        public void Count(string row, bool hit)
        {
            var (hits, total) = _counts.GetValueOrDefault(row);
            _counts[row] = (hits + (hit ? 1 : 0), total + 1);
        }

        public double Share(string row)
        {
            var (hits, total) = _counts.GetValueOrDefault(row);
            return total == 0 ? 0 : Math.Round((double)hits / total, 4);
        }

        public string Rate(string row)
        {
            var (hits, total) = _counts.GetValueOrDefault(row);
            return total == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * hits / total:0.#} % ({hits}/{total})");
        }
    }
}
