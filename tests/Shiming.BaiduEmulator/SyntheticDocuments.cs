using System.Globalization;
using SkiaSharp;

namespace Shiming.BaiduEmulator;

/// <summary>A made-up text document: paragraphs of lines, as printed top to bottom.</summary>
/// <param name="Paragraphs">The paragraphs, each its lines.</param>
public sealed record SyntheticDocument(IReadOnlyList<IReadOnlyList<string>> Paragraphs);

/// <summary>
/// Made-up referral letters and prescriptions for the text OCR APIs: a clinic that does not exist, no person at all
/// (numbers start with 99, as the synthetic cards' do), drawn as black text on a white page in the card font
/// (<see cref="CardFont"/>). A render may carry its lines as ground truth (<see cref="DocumentGroundTruth"/>), which
/// the emulator then answers with, or carry none, for PaddleOCR to read.
/// </summary>
public static class SyntheticDocuments
{
    private const int PageWidth = 1000;
    private const int Margin = 60;
    private const int TitleSize = 44;
    private const int BodySize = 34;

    private static readonly string[] Clinics = ["示例市第一人民医院", "示例市中心医院", "示例区社区卫生服务中心", "示例县人民医院"];
    private static readonly string[] Departments = ["心血管内科", "呼吸内科", "消化内科", "骨科", "眼科", "儿科", "皮肤科", "神经内科"];
    private static readonly string[] Diagnoses = ["高血压", "慢性胃炎", "支气管炎", "腰椎间盘突出", "过敏性鼻炎", "结膜炎", "湿疹", "偏头痛"];
    private static readonly string[] Medicines = ["阿莫西林胶囊", "布洛芬缓释胶囊", "氯雷他定片", "奥美拉唑肠溶胶囊", "硝苯地平控释片", "维生素C片"];
    private static readonly string[] Usages = ["口服，每日三次", "口服，每日两次", "口服，每日一次", "饭后服用，每日三次"];
    private static readonly string[] Advice = ["建议转上级医院进一步检查", "建议一周后复诊", "注意休息，清淡饮食", "如有不适及时就诊"];

    /// <summary>A document drawn from <paramref name="random"/>: a referral letter or a prescription.</summary>
    public static SyntheticDocument Create(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var clinic = Pick(random, Clinics);
        var date = new DateOnly(2026, 1, 1).AddDays(random.Next(365));
        var number = string.Create(CultureInfo.InvariantCulture, $"99{random.Next(100000, 999999)}");
        var header = new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"科室：{Pick(random, Departments)}"),
            string.Create(CultureInfo.InvariantCulture, $"日期：{date.Year}年{date.Month}月{date.Day}日"),
            $"门诊号：{number}",
        };

        if (random.Next(2) == 0)
        {
            return new SyntheticDocument(
            [
                [$"{clinic}转诊单"],
                header,
                [$"诊断：{Pick(random, Diagnoses)}", Pick(random, Advice)],
            ]);
        }

        var medicine = Pick(random, Medicines);
        return new SyntheticDocument(
        [
            [$"{clinic}处方笺"],
            header,
            [string.Create(CultureInfo.InvariantCulture, $"{medicine} {random.Next(1, 4)}盒"), $"用法：{Pick(random, Usages)}"],
        ]);
    }

    /// <summary>The document as a PNG, with its lines embedded as ground truth unless <paramref name="embedTruth"/> is false; and those lines.</summary>
    public static (byte[] Png, DocumentGroundTruth Truth) Render(SyntheticDocument document, bool embedTruth = true)
    {
        ArgumentNullException.ThrowIfNull(document);
        var placed = Layout(document, out var height);
        using var bitmap = Pictures.NewBitmap(PageWidth, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = new SKColor(24, 24, 28), IsAntialias = true };
            foreach (var (line, size, baseline) in placed)
            {
                using var font = new SKFont(CardFont.Typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };
                canvas.DrawText(line.Words, line.Left, baseline, SKTextAlign.Left, font, paint);
            }
        }

        var truth = new DocumentGroundTruth([.. placed.Select(entry => entry.Line)]);
        var png = embedTruth ? Pictures.EncodePng(bitmap, (CardGroundTruth.PngKeyword, truth.ToJson())) : Pictures.EncodePng(bitmap);
        return (png, truth);
    }

    /// <summary>Where each line goes: a title, then paragraphs a blank line apart, each line's box its ink's advance and the font's line height.</summary>
    private static List<(DocumentLine Line, int Size, float Baseline)> Layout(SyntheticDocument document, out int pageHeight)
    {
        var placed = new List<(DocumentLine, int, float)>();
        var top = Margin;
        for (var p = 0; p < document.Paragraphs.Count; p++)
        {
            var size = p == 0 ? TitleSize : BodySize;
            using var font = new SKFont(CardFont.Typeface, size);
            var lineHeight = (int)Math.Ceiling(size * 1.3);
            foreach (var words in document.Paragraphs[p])
            {
                if (!font.ContainsGlyphs(words.Replace(" ", string.Empty, StringComparison.Ordinal)))
                {
                    throw new ArgumentException("A line has a character the document font lacks.", nameof(document));
                }

                var width = (int)Math.Ceiling(font.MeasureText(words));
                var ink = font.Metrics.CapHeight > 0 ? font.Metrics.CapHeight : size * 0.72f;
                var baseline = top + ((lineHeight + ink) / 2f);
                placed.Add((new DocumentLine(words, Margin, top, width, lineHeight), size, baseline));
                top += lineHeight + (size / 2);
            }

            // A blank line between paragraphs, which is how the text APIs tell them apart.
            top += lineHeight;
        }

        pageHeight = top + Margin;
        return placed;
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}

/// <summary>
/// Pictures for the moderation API: a made-up landscape with sensor noise (so that it is above the API's 5 KB of
/// Base64), carrying the verdict it is to get (<see cref="ModerationGroundTruth"/>) or none, for the emulator's answer
/// to an image that carries none (compliant).
/// </summary>
public static class SyntheticModerationImages
{
    /// <summary>A 640×480 PNG with <paramref name="truth"/> embedded; without any when null.</summary>
    public static byte[] Render(ModerationGroundTruth? truth, int seed = 1)
    {
        using var bitmap = Pictures.Decode(SyntheticCardImages.RenderPlainPicture())!;
        var random = new Random(seed);
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            var noise = random.Next(-12, 13);
            for (var c = 0; c < 3; c++)
            {
                pixels[i + c] = (byte)Math.Clamp(pixels[i + c] + noise, 0, 255);
            }
        }

        return truth is null ? Pictures.EncodePng(bitmap) : Pictures.EncodePng(bitmap, (CardGroundTruth.PngKeyword, truth.ToJson()));
    }

    /// <summary>The ground truth of a verdict by the names Shiming uses: <c>compliant</c>, <c>non_compliant</c>, <c>suspected</c>, <c>failed</c>.</summary>
    public static ModerationGroundTruth? ForVerdict(string verdict) => verdict switch
    {
        "compliant" => ModerationGroundTruth.Compliant(),
        "non_compliant" => ModerationGroundTruth.NonCompliant(),
        "suspected" => ModerationGroundTruth.Suspected(),
        "failed" => ModerationGroundTruth.Failed(),
        _ => null,
    };
}
