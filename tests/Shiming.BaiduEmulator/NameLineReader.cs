namespace Shiming.BaiduEmulator;

/// <summary>
/// A second look at a front's name. The whole-card pass reads the name among everything else, at whatever size the
/// picture has, and chi_sim gets some characters of it wrong that it reads right on the line alone at another size
/// (涵 read as 洱, mostly). So the name's line is cut out of the picture, scaled to a few character heights and read
/// again as a single line of text (all in one Tesseract run), and the readings vote with the first pass, character by
/// character by their summed confidence. Generic OCR means only: no list of names or characters is consulted, so a
/// character the model cannot read at all (睿) stays wrong. Only PNGs get the second look (the emulator decodes no
/// JPEG or BMP); others keep the first pass's name.
/// </summary>
internal static class NameLineReader
{
    // Character heights in pixels the line is scaled to: chi_sim reads single lines of this font best around these
    // sizes (the card pass sees a render's name at about 29 px). Three readings, so that one slip is outvoted.
    private static readonly int[] Heights = [18, 19, 20];

    // The first pass's characters carry no confidence of their own here; it counts as one fairly sure reading.
    private const double FirstPassConfidence = 70;

    // A character Tesseract was unsure of still counts as a vote, so that agreement outweighs one confident slip.
    private const double ConfidenceFloor = 20;

    // Margins around the name's box, in character heights, where the line is cut out: the box can be short of the
    // first character (Tesseract's word boxes are shared out evenly among their characters, a quote mark read before
    // the name included) or of one the first pass dropped at the end; above and below, the next lines are a whole
    // character height away.
    private const double LeftMargin = 1.5;
    private const double RightMargin = 1.0;
    private const double VerticalMargin = 0.5;

    /// <summary>The card with its name read again from the PNG, or as it was when there is nothing to reread.</summary>
    public static async Task<ReadCard> RereadAsync(EmulatorOptions options, ReadOnlyMemory<byte> png, ReadCard card, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(card);
        if (card.Side != IdCardFields.Front || !card.Fields.TryGetValue(IdCardFields.Name, out var name) || name.CharacterHeight <= 0)
        {
            return card;
        }

        var crops = Crops(png.Span, name);
        if (crops is null)
        {
            return card;
        }

        var words = await TesseractOcr.ReadLinesAsync(options.TesseractPath, crops, options.RecognitionTimeout, cancellationToken);
        var readings = Enumerable.Range(1, crops.Count).Select(page => Characters(words.Where(word => word.Page == page))).ToList();
        var chosen = Vote(name.Words, readings);
        if (chosen.Length == 0 || chosen == name.Words)
        {
            return card;
        }

        var fields = new Dictionary<string, ReadField>(card.Fields) { [IdCardFields.Name] = name with { Words = chosen } };
        return card with { Fields = fields };
    }

    /// <summary>The name's line cut out and scaled to each of <see cref="Heights"/>, as grey PNGs; null when the PNG cannot be read.</summary>
    internal static IReadOnlyList<byte[]>? Crops(ReadOnlySpan<byte> png, ReadField name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int width;
        int height;
        byte[] luminance;
        try
        {
            (width, height, luminance) = PngDecoder.DecodeLuminance(png);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            return null;
        }

        // Word boxes are a rough measure of the characters' height (a box can take in a neighbour's stroke, or reach
        // into the next line); the rows with ink in them under the name's box are a better one.
        var boxHeight = name.CharacterHeight;
        var box = name.Location;
        var searchLeft = Math.Clamp(box.Left, 0, width - 1);
        var searchRight = Math.Clamp(box.Right, searchLeft + 1, width);
        var (inkTop, inkBottom) = InkRows(
            luminance,
            width,
            searchLeft,
            searchRight,
            Math.Clamp(box.Top - (int)Math.Round(VerticalMargin * boxHeight), 0, height - 1),
            Math.Clamp(box.Bottom + (int)Math.Round(VerticalMargin * boxHeight), 1, height));
        var characterHeight = inkBottom - inkTop;
        if (characterHeight < 0.5 * boxHeight || characterHeight > 1.5 * boxHeight)
        {
            (inkTop, inkBottom, characterHeight) = (box.Top, box.Bottom, (int)Math.Round(boxHeight));
        }

        var left = Math.Clamp(box.Left - (int)Math.Round(LeftMargin * characterHeight), 0, width);
        var right = Math.Clamp(box.Right + (int)Math.Round(RightMargin * characterHeight), 0, width);
        var top = Math.Clamp(inkTop - (int)Math.Round(VerticalMargin * characterHeight), 0, height);
        var bottom = Math.Clamp(inkBottom + (int)Math.Round(VerticalMargin * characterHeight), 0, height);
        if (right - left < 4 || bottom - top < 4 || characterHeight < 4)
        {
            return null;
        }

        var crop = new byte[(right - left) * (bottom - top)];
        for (var y = top; y < bottom; y++)
        {
            Array.Copy(luminance, (y * width) + left, crop, (y - top) * (right - left), right - left);
        }

        return Heights.Select(target =>
        {
            var scale = (double)target / characterHeight;
            var scaledWidth = Math.Max(1, (int)Math.Round((right - left) * scale));
            var scaledHeight = Math.Max(1, (int)Math.Round((bottom - top) * scale));
            var samples = Resample(crop, right - left, bottom - top, scaledWidth, scaledHeight);
            var canvas = new Canvas(scaledWidth, scaledHeight, default);
            for (var i = 0; i < samples.Length; i++)
            {
                canvas.Set(i % scaledWidth, i / scaledWidth, new Rgb(samples[i], samples[i], samples[i]));
            }

            return PngEncoder.Encode(canvas, [], System.IO.Compression.CompressionLevel.Fastest);
        }).ToList();
    }

    /// <summary>
    /// The band of rows with ink in them that holds the most ink in the area: its first row and one past its last.
    /// A row has ink when at least 2 % of its pixels are darker than Otsu's threshold for the area (which separates
    /// print from card and ignores noise); a band may have gaps of up to 3 rows (a character's strokes leave some).
    /// </summary>
    internal static (int Top, int Bottom) InkRows(byte[] luminance, int width, int left, int right, int top, int bottom)
    {
        ArgumentNullException.ThrowIfNull(luminance);
        var histogram = new int[256];
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                histogram[luminance[(y * width) + x]]++;
            }
        }

        var threshold = OtsuThreshold(histogram);
        var minimum = Math.Max(1, (right - left) / 50);
        (int Top, int Bottom, int Ink) best = (top, top, 0);
        (int Top, int Bottom, int Ink)? band = null;
        for (var y = top; y < bottom; y++)
        {
            var dark = 0;
            for (var x = left; x < right; x++)
            {
                if (luminance[(y * width) + x] <= threshold)
                {
                    dark++;
                }
            }

            if (dark >= minimum)
            {
                band = band is { } open && y - open.Bottom <= 3 ? (open.Top, y + 1, open.Ink + dark) : (y, y + 1, dark);
                if (band.Value.Ink > best.Ink)
                {
                    best = band.Value;
                }
            }
        }

        return (best.Top, best.Bottom);
    }

    // The grey level that best splits the histogram in two classes (largest between-class variance).
    private static int OtsuThreshold(int[] histogram)
    {
        var total = histogram.Sum();
        var sum = 0.0;
        for (var i = 0; i < histogram.Length; i++)
        {
            sum += (double)i * histogram[i];
        }

        var below = 0;
        var sumBelow = 0.0;
        var best = 0.0;
        var threshold = 0;
        for (var t = 0; t < histogram.Length; t++)
        {
            below += histogram[t];
            if (below == 0)
            {
                continue;
            }

            var above = total - below;
            if (above == 0)
            {
                break;
            }

            sumBelow += (double)t * histogram[t];
            var meanBelow = sumBelow / below;
            var meanAbove = (sum - sumBelow) / above;
            var between = (double)below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }

        return threshold;
    }

    /// <summary>
    /// The name the readings agree on, as long as the first pass's (<paramref name="firstPass"/>): at each place, the
    /// character whose readings carry the most confidence, the first pass's on a tie. A reading of another length does
    /// not vote: single lines are read with characters split in two now and then (晓 as 了晓), which the whole card's
    /// pass does less, so the number of characters is the first pass's and only the characters are voted on.
    /// </summary>
    internal static string Vote(string firstPass, IReadOnlyList<IReadOnlyList<(char Character, double Confidence)>> readings)
    {
        ArgumentNullException.ThrowIfNull(firstPass);
        ArgumentNullException.ThrowIfNull(readings);
        var candidates = new List<IReadOnlyList<(char Character, double Confidence)>> { firstPass.Select(character => (character, FirstPassConfidence)).ToList() };
        candidates.AddRange(readings.Where(reading => reading.Count == firstPass.Length));

        var chosen = new char[firstPass.Length];
        for (var i = 0; i < chosen.Length; i++)
        {
            var place = i;
            chosen[i] = candidates
                .GroupBy(candidate => candidate[place].Character)
                .OrderByDescending(group => group.Sum(candidate => Math.Max(candidate[place].Confidence, ConfidenceFloor)))
                .First().Key;
        }

        return new string(chosen);
    }

    // The CJK characters of one reading, each with its word's confidence; what else OCR saw on the line does not vote.
    private static List<(char Character, double Confidence)> Characters(IEnumerable<OcrWord> words) =>
        words.SelectMany(word => word.Text.Normalize(System.Text.NormalizationForm.FormKC)
                .Where(CardReader.IsCjk)
                .Select(character => (character, word.Confidence)))
            .ToList();

    /// <summary>
    /// Greyscale resampling with a triangle filter as wide as a source pixel or a target pixel, whichever is larger:
    /// bilinear when enlarging, an average over the covered pixels when shrinking.
    /// </summary>
    internal static byte[] Resample(byte[] source, int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        ArgumentNullException.ThrowIfNull(source);
        var columns = Kernel(sourceWidth, targetWidth);
        var rows = Kernel(sourceHeight, targetHeight);
        var horizontal = new double[targetWidth * sourceHeight];
        for (var y = 0; y < sourceHeight; y++)
        {
            for (var x = 0; x < targetWidth; x++)
            {
                var (first, weights) = columns[x];
                var sum = 0.0;
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += weights[k] * source[(y * sourceWidth) + first + k];
                }

                horizontal[(y * targetWidth) + x] = sum;
            }
        }

        var target = new byte[targetWidth * targetHeight];
        for (var y = 0; y < targetHeight; y++)
        {
            var (first, weights) = rows[y];
            for (var x = 0; x < targetWidth; x++)
            {
                var sum = 0.0;
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += weights[k] * horizontal[((first + k) * targetWidth) + x];
                }

                target[(y * targetWidth) + x] = (byte)Math.Clamp(Math.Round(sum), 0, 255);
            }
        }

        return target;
    }

    // For each target pixel, the first source pixel it draws on and the normalised weights of those it draws on.
    private static (int First, double[] Weights)[] Kernel(int source, int target)
    {
        var step = (double)source / target;
        var support = Math.Max(step, 1.0);
        var kernel = new (int, double[])[target];
        for (var t = 0; t < target; t++)
        {
            var center = (t + 0.5) * step;
            var first = Math.Max(0, (int)Math.Floor(center - support));
            var last = Math.Min(source - 1, (int)Math.Ceiling(center + support));
            var weights = new double[last - first + 1];
            for (var s = first; s <= last; s++)
            {
                weights[s - first] = Math.Max(0, 1 - Math.Abs((s + 0.5 - center) / support));
            }

            var total = weights.Sum();
            if (total <= 0)
            {
                weights[Math.Clamp((int)center - first, 0, weights.Length - 1)] = 1;
                total = 1;
            }

            for (var k = 0; k < weights.Length; k++)
            {
                weights[k] /= total;
            }

            kernel[t] = (first, weights);
        }

        return kernel;
    }
}
