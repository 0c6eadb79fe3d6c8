using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>
/// One word Tesseract read, with its box in image pixels, the line it belongs to (lines in reading order, numbered across
/// pages), Tesseract's confidence (0–100) and the page (1 for a single image; the image's place in a list otherwise).
/// </summary>
internal sealed record OcrWord(string Text, CardBox Box, int Line, double Confidence = 0, int Page = 1);

/// <summary>Whether the emulator can recognise images itself, and why not when it cannot.</summary>
/// <param name="IsAvailable">Tesseract runs and has the <c>chi_sim</c> model.</param>
/// <param name="Description">What was found, for the start-up line: a version, or what is missing and how to install it.</param>
public sealed record RecognitionAvailability(bool IsAvailable, string Description);

/// <summary>
/// Runs the Tesseract command line on one image: no shell, a bounded time, and the image in a temporary file that is
/// deleted afterwards. What Tesseract reads is returned to the caller and never logged.
/// </summary>
internal static class TesseractOcr
{
    /// <summary>The Debian packages that provide Tesseract and the simplified Chinese model.</summary>
    public const string InstallCommand = "sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim";

    public const string Language = "chi_sim";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<string, Lazy<Task<RecognitionAvailability>>> Probes = new(StringComparer.Ordinal);

    // Tesseract is CPU-bound: more processes than cores only make each one slower.
    private static readonly SemaphoreSlim Slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Checks once per path whether Tesseract runs and lists <c>chi_sim</c>.</summary>
    public static Task<RecognitionAvailability> ProbeAsync(string path) =>
        Probes.GetOrAdd(path, p => new Lazy<Task<RecognitionAvailability>>(() => ProbeOnceAsync(p))).Value;

    /// <summary>
    /// Reads the image's words as one block of text (page segmentation mode 6, which keeps each label on the line of
    /// its value). Throws <see cref="TimeoutException"/> when Tesseract overruns <paramref name="timeout"/> (the
    /// process is killed) and <see cref="InvalidOperationException"/> when it fails.
    /// </summary>
    public static async Task<IReadOnlyList<OcrWord>> ReadAsync(
        string path,
        ReadOnlyMemory<byte> image,
        string extension,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        await Slots.WaitAsync(cancellationToken);
        var file = TemporaryPath(extension);
        try
        {
            await WritePrivateAsync(file, image, cancellationToken);
            return await RunTsvAsync(path, [file, "stdout", "-l", Language, "--psm", "6", "tsv"], timeout, cancellationToken);
        }
        finally
        {
            File.Delete(file);
            Slots.Release();
        }
    }

    /// <summary>
    /// Reads each PNG as a single line of text (page segmentation mode 7), all in one Tesseract run over a list of the
    /// images; a word's <see cref="OcrWord.Page"/> is its image's place in <paramref name="lines"/>, from 1.
    /// Throws as <see cref="ReadAsync"/> does.
    /// </summary>
    public static async Task<IReadOnlyList<OcrWord>> ReadLinesAsync(
        string path,
        IReadOnlyList<byte[]> lines,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        await Slots.WaitAsync(cancellationToken);
        var files = lines.Select(_ => TemporaryPath(".png")).ToList();
        var list = TemporaryPath(".txt");
        try
        {
            for (var i = 0; i < lines.Count; i++)
            {
                await WritePrivateAsync(files[i], lines[i], cancellationToken);
            }

            await WritePrivateAsync(list, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', files) + "\n"), cancellationToken);

            // Tesseract drops a line it takes for noise when the image holds little else; a crop of one line
            // is exactly that, so the rejection is turned off.
            return await RunTsvAsync(path, [list, "stdout", "-l", Language, "--psm", "7", "-c", "textord_noise_rejrows=0", "tsv"], timeout, cancellationToken);
        }
        finally
        {
            foreach (var file in files)
            {
                File.Delete(file);
            }

            File.Delete(list);
            Slots.Release();
        }
    }

    private static string TemporaryPath(string extension) => Path.Combine(Path.GetTempPath(), $"shiming-ocr-{Guid.NewGuid():N}{extension}");

    private static async Task WritePrivateAsync(string file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Only this process's user may read the card while it waits for Tesseract.
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(file, create);
        await stream.WriteAsync(content, cancellationToken);
    }

    private static async Task<IReadOnlyList<OcrWord>> RunTsvAsync(string path, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(path, arguments, timeout, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Tesseract exited with code {exitCode}.");
        }

        return ParseTsv(output);
    }

    /// <summary>
    /// Tesseract's TSV: level, page, block, paragraph, line, word, left, top, width, height, confidence, text.
    /// Level 5 rows are words; a change of page, block, paragraph or line number starts a new line.
    /// </summary>
    internal static IReadOnlyList<OcrWord> ParseTsv(string tsv)
    {
        var words = new List<OcrWord>();
        var line = -1;
        (string, string, string, string)? lastLine = null;
        foreach (var row in tsv.Split('\n'))
        {
            var columns = row.TrimEnd('\r').Split('\t');
            if (columns.Length < 12 || columns[0] != "5")
            {
                continue;
            }

            var text = columns[11].Trim();
            if (text.Length == 0 || !TryParseBox(columns, out var box))
            {
                continue;
            }

            var key = (columns[1], columns[2], columns[3], columns[4]);
            if (lastLine != key)
            {
                line++;
                lastLine = key;
            }

            _ = double.TryParse(columns[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence);
            _ = int.TryParse(columns[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var page);
            words.Add(new OcrWord(text, box, line, confidence, page));
        }

        return words;
    }

    private static bool TryParseBox(string[] columns, out CardBox box)
    {
        var parsed = new int[4];
        for (var i = 0; i < 4; i++)
        {
            if (!int.TryParse(columns[6 + i], NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed[i]))
            {
                box = default;
                return false;
            }
        }

        box = new CardBox(parsed[0], parsed[1], parsed[2], parsed[3]);
        return true;
    }

    private static async Task<RecognitionAvailability> ProbeOnceAsync(string path)
    {
        try
        {
            var (versionExit, version) = await RunAsync(path, ["--version"], ProbeTimeout, CancellationToken.None);
            var (listExit, languages) = await RunAsync(path, ["--list-langs"], ProbeTimeout, CancellationToken.None);
            var name = version.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "tesseract";
            if (versionExit != 0 || listExit != 0)
            {
                return new RecognitionAvailability(false, $"'{path}' did not run; install it with: {InstallCommand}");
            }

            var hasModel = languages.Split('\n', StringSplitOptions.TrimEntries).Contains(Language, StringComparer.Ordinal);
            return hasModel
                ? new RecognitionAvailability(true, $"{name} with {Language}")
                : new RecognitionAvailability(false, $"{name} has no {Language} model; install it with: {InstallCommand}");
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or TimeoutException or InvalidOperationException)
        {
            return new RecognitionAvailability(false, $"Tesseract not found ('{path}'); install it with: {InstallCommand}");
        }
    }

    /// <summary>Runs the program directly (no shell) and returns its exit code and standard output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string path, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // One thread per process: Tesseract's OpenMP threads cost more than they save on a small image, and
        // concurrent requests already use the other cores.
        start.Environment["OMP_THREAD_LIMIT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Tesseract did not start.");
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);

        // Read and drop: Tesseract's diagnostics are not needed, but a full pipe would stall it.
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            var text = await output;
            await error;
            return (process.ExitCode, text);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"Tesseract took longer than {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
    }
}
