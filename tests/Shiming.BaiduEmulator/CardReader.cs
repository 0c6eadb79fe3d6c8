using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Shiming.BaiduEmulator;

/// <summary>
/// A field as read from the picture: its text in Baidu's form, the box it was printed in and, for a value read from one
/// line, the line's character height in pixels (0 when not known).
/// </summary>
internal sealed record ReadField(string Words, CardBox Location, double CharacterHeight = 0);

/// <summary>A card as read: the side it shows and the fields found (a field not found is absent).</summary>
internal sealed record ReadCard(string Side, IReadOnlyDictionary<string, ReadField> Fields);

/// <summary>
/// Finds a card's fields in the OCR's words. Labels anchor the lines, but OCR drops or misreads a faint label now
/// and then, so every field also has a shape to be found by: the number's 18 characters, the birth date's
/// 年月日, the validity period's two dates. Values end at a wide gap, which keeps specks read from the photo or the
/// card's edge out of them.
/// </summary>
internal static partial class CardReader
{
    private const string NumberLabel = "公民身份号码";
    private const string AuthorityLabel = "签发机关";
    private const string ValidityLabel = "有效期限";

    // A gap wider than this many character heights ends a value.
    private const double ValueGap = 2.5;

    /// <summary>The card the words show, or null when they show no card fields at all.</summary>
    public static ReadCard? Read(IReadOnlyList<OcrWord> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var lines = TextLine.Build(words);
        var front = ReadFront(lines);
        var back = ReadBack(lines);

        // A side counts when it shows two of its fields, so one stray match on a photo does not make a card.
        var frontScore = front.Count;
        var backScore = back.Count * 2;
        if (Math.Max(frontScore, backScore) < 2)
        {
            return null;
        }

        return frontScore >= backScore ? new ReadCard(IdCardFields.Front, front) : new ReadCard(IdCardFields.Back, back);
    }

    private static Dictionary<string, ReadField> ReadFront(IReadOnlyList<TextLine> lines)
    {
        var fields = new Dictionary<string, ReadField>();

        var numberLine = FindNumber(lines, fields);
        var numberLabelLine = numberLine ?? IndexOf(lines, line => line.LabelLength(NumberLabel) > 0);

        var birthLine = IndexOf(lines, line => line.Index != numberLine && BirthPattern().IsMatch(line.Text))
            ?? IndexOf(lines, line => line.Index != numberLine && line.LabelLength(IdCardFields.BirthDate) > 0);
        if (birthLine is { } b && ReadBirthDate(lines[b]) is { } birth)
        {
            fields[IdCardFields.BirthDate] = birth;
        }

        var genderLine = IndexOf(lines, line => line.Index != numberLine && line.Index != birthLine
            && (line.LabelLength(IdCardFields.Gender) > 0 || line.Text.Contains('族', StringComparison.Ordinal)));
        if (genderLine is { } g)
        {
            ReadGenderAndEthnicity(lines[g], fields);
        }

        var nameLine = IndexOf(lines, line => line.Index != genderLine && line.Index != birthLine && line.Index != numberLine
            && line.LabelLength(IdCardFields.Name) > 0);
        if (nameLine is null && genderLine > 0)
        {
            nameLine = genderLine - 1;
        }

        // Values are printed in one column; where the sex and the birth date start tells where the others start.
        int? column = new[] { IdCardFields.Gender, IdCardFields.BirthDate }
            .Where(fields.ContainsKey)
            .Select(key => (int?)fields[key].Location.Left)
            .Min();
        if (nameLine is { } n && lines[n].Value(IdCardFields.Name, IsCjk, column) is { } name)
        {
            fields[IdCardFields.Name] = name;
        }

        var addressLine = IndexOf(lines, line => line.Index > (birthLine ?? genderLine ?? -1) && line.Index != numberLabelLine
            && line.LabelLength(IdCardFields.Address) > 0);
        if (addressLine is null && birthLine is { } afterBirth && afterBirth + 1 < lines.Count && afterBirth + 1 != numberLabelLine)
        {
            addressLine = afterBirth + 1;
        }

        if (addressLine is { } a && ReadAddress(lines, a, numberLabelLine ?? lines.Count, column) is { } address)
        {
            fields[IdCardFields.Address] = address;
        }

        return fields;
    }

    /// <summary>The 18-character number, preferring one whose check character holds; the line it is on.</summary>
    private static int? FindNumber(IReadOnlyList<TextLine> lines, Dictionary<string, ReadField> fields)
    {
        (TextLine Line, Match Match)? best = null;
        foreach (var line in lines)
        {
            foreach (Match match in NumberPattern().Matches(line.Text))
            {
                var valid = ResidentIdNumber.IsValid(match.Value.ToUpperInvariant());
                if (best is null || (valid && !ResidentIdNumber.IsValid(best.Value.Match.Value.ToUpperInvariant())))
                {
                    best = (line, match);
                }
            }
        }

        if (best is { } found)
        {
            fields[IdCardFields.IdNumber] = new ReadField(found.Match.Value.ToUpperInvariant(), found.Line.Box(found.Match.Index, found.Match.Length));
            return found.Line.Index;
        }

        // No 18 characters anywhere: what follows the label, so that a misread number is still answered (as invalid).
        var labelled = IndexOf(lines, line => line.LabelLength(NumberLabel) >= 2);
        if (labelled is { } l && lines[l].Value(NumberLabel, character => char.IsAsciiDigit(character) || character is 'X' or 'x') is { } value)
        {
            fields[IdCardFields.IdNumber] = value with { Words = value.Words.ToUpperInvariant() };
        }

        return labelled;
    }

    private static ReadField? ReadBirthDate(TextLine line)
    {
        var match = BirthPattern().Match(line.Text);
        if (!match.Success)
        {
            return null;
        }

        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{match.Groups[1].Value}{int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture):D2}{int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture):D2}");
        return DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? new ReadField(text, line.Box(match.Index, match.Length))
            : null;
    }

    private static void ReadGenderAndEthnicity(TextLine line, Dictionary<string, ReadField> fields)
    {
        var start = line.LabelLength(IdCardFields.Gender);
        var ethnicityLabel = line.Text.IndexOf("民族", start, StringComparison.Ordinal);
        var ethnicityStart = ethnicityLabel >= 0 ? ethnicityLabel + 2 : line.Text.IndexOf('族', start) + 1;
        var genderEnd = ethnicityLabel >= 0 ? ethnicityLabel : ethnicityStart > 0 ? ethnicityStart - 1 : line.Text.Length;
        var gender = line.Text.IndexOfAny(['男', '女'], start, Math.Max(genderEnd - start, 0));
        if (gender >= 0)
        {
            fields[IdCardFields.Gender] = new ReadField(line.Text[gender].ToString(), line.Box(gender, 1));
        }

        if (ethnicityStart > 0 && line.Run(ethnicityStart, IsCjk) is { } ethnicity)
        {
            fields[IdCardFields.Ethnicity] = ethnicity;
        }
    }

    /// <summary>The address line's value and the lines under it that start in the values' column, up to the number.</summary>
    private static ReadField? ReadAddress(IReadOnlyList<TextLine> lines, int first, int end, int? column)
    {
        var start = lines[first].Value(IdCardFields.Address, IsAddressCharacter, column);
        if (start is null)
        {
            return null;
        }

        var words = new StringBuilder(start.Words);
        var box = start.Location;
        var height = lines[first].CharacterHeight;
        for (var i = first + 1; i < end; i++)
        {
            var line = lines[i];
            var continuation = line.Value(string.Empty, IsAddressCharacter, column);
            if (continuation is null
                || Math.Abs(continuation.Location.Left - (column ?? start.Location.Left)) > 1.5 * height
                || continuation.Location.Top - box.Bottom > 1.5 * height)
            {
                break;
            }

            words.Append(continuation.Words);
            box = Union(box, continuation.Location);
        }

        return new ReadField(words.ToString(), box);
    }

    private static Dictionary<string, ReadField> ReadBack(IReadOnlyList<TextLine> lines)
    {
        var fields = new Dictionary<string, ReadField>();
        int? validityLine = null;
        int? column = null;
        foreach (var line in lines)
        {
            var match = ValidityPattern().Match(line.Text);
            if (!match.Success)
            {
                continue;
            }

            var issued = string.Concat(match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
            var expiry = match.Groups[4].Success ? string.Concat(match.Groups[4].Value, match.Groups[5].Value, match.Groups[6].Value) : IdCardFields.LongTerm;
            if (!IsDate(issued) || (expiry != IdCardFields.LongTerm && !IsDate(expiry)))
            {
                continue;
            }

            var issuedEnd = match.Groups[3].Index + match.Groups[3].Length;
            var expiryStart = match.Groups[4].Success ? match.Groups[4].Index : match.Groups[7].Index;
            fields[IdCardFields.IssueDate] = new ReadField(issued, line.Box(match.Index, issuedEnd - match.Index));
            fields[IdCardFields.ExpiryDate] = new ReadField(expiry, line.Box(expiryStart, match.Index + match.Length - expiryStart));
            validityLine = line.Index;
            column = line.Box(match.Index, 1).Left;
            break;
        }

        var authorityLine = IndexOf(lines, line => line.Index != validityLine && line.LabelLength(AuthorityLabel) >= 2);
        if (authorityLine is null && validityLine > 0)
        {
            authorityLine = validityLine - 1;
        }

        if (authorityLine is { } a && lines[a].Value(AuthorityLabel, IsCjk, column) is { } authority && authority.Words.Length >= 2)
        {
            fields[IdCardFields.IssuingAuthority] = authority;
        }

        return fields;
    }

    private static bool IsDate(string text) =>
        DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static int? IndexOf(IReadOnlyList<TextLine> lines, Func<TextLine, bool> predicate) =>
        lines.FirstOrDefault(predicate)?.Index;

    internal static bool IsCjk(char character) => character is >= '\u4E00' and <= '\u9FFF';

    private static bool IsAddressCharacter(char character) => IsCjk(character) || char.IsAsciiDigit(character);

    private static CardBox Union(CardBox first, CardBox second)
    {
        var left = Math.Min(first.Left, second.Left);
        var top = Math.Min(first.Top, second.Top);
        return new CardBox(left, top, Math.Max(first.Right, second.Right) - left, Math.Max(first.Bottom, second.Bottom) - top);
    }

    [GeneratedRegex("[0-9]{17}[0-9Xx]")]
    private static partial Regex NumberPattern();

    // "1990年1月1日", the 日 sometimes lost; 年 and 月 are what tell it from the number.
    [GeneratedRegex("((?:18|19|20)[0-9]{2})年([0-9]{1,2})月([0-9]{1,2})")]
    private static partial Regex BirthPattern();

    // "2019.06.06-2039.06.06" or "2011.05.28-长期", separators optional because OCR drops dots now and then.
    [GeneratedRegex(@"((?:19|20)[0-9]{2})\.?([0-9]{2})\.?([0-9]{2})-?(?:((?:19|20|21)[0-9]{2})\.?([0-9]{2})\.?([0-9]{2})|(长期))")]
    private static partial Regex ValidityPattern();

    /// <summary>
    /// One line of kept characters (CJK, ASCII letters and digits, '.', '-') with a box per character: the OCR boxes
    /// words, so a word's box is shared out evenly among its characters.
    /// </summary>
    private sealed class TextLine
    {
        private readonly List<CardBox> _boxes;
        private readonly List<CardBox> _words;
        private readonly List<bool> _marked;

        private TextLine(int index, string text, List<CardBox> boxes, List<CardBox> words, List<bool> marked, double characterHeight)
        {
            Index = index;
            Text = text;
            _boxes = boxes;
            _words = words;
            _marked = marked;
            CharacterHeight = characterHeight;
        }

        public int Index { get; }

        public string Text { get; }

        /// <summary>The median word height, the unit for gaps: it scales with the picture.</summary>
        public double CharacterHeight { get; }

        public static List<TextLine> Build(IReadOnlyList<OcrWord> words)
        {
            var lines = new List<TextLine>();
            foreach (var group in words.GroupBy(word => word.Line).OrderBy(group => group.Key))
            {
                var text = new StringBuilder();
                var boxes = new List<CardBox>();
                var wordBoxes = new List<CardBox>();
                var marked = new List<bool>();
                foreach (var word in group)
                {
                    // Every character, dropped ones included, gets its share of the box, so that a quote mark
                    // stuck to a value does not stretch the value's box.
                    var all = word.Text.Normalize(NormalizationForm.FormKC);
                    var hasMarks = all.Any(character => !IsKept(character));
                    for (var i = 0; i < all.Length; i++)
                    {
                        if (!IsKept(all[i]))
                        {
                            continue;
                        }

                        var left = word.Box.Left + (word.Box.Width * i / all.Length);
                        var right = word.Box.Left + (word.Box.Width * (i + 1) / all.Length);
                        text.Append(all[i]);
                        boxes.Add(new CardBox(left, word.Box.Top, Math.Max(right - left, 1), word.Box.Height));
                        wordBoxes.Add(word.Box);
                        marked.Add(hasMarks);
                    }
                }

                if (text.Length > 0)
                {
                    var heights = group.Select(word => word.Box.Height).Order().ToList();
                    lines.Add(new TextLine(lines.Count, text.ToString(), boxes, wordBoxes, marked, Math.Max(heights[heights.Count / 2], 1)));
                }
            }

            return lines;
        }

        /// <summary>
        /// How many leading characters are the label, allowing OCR's usual slips: a label read exactly, one
        /// character misread, or only its first or last part read. Zero when the line does not start with it.
        /// </summary>
        public int LabelLength(string label)
        {
            if (Text.StartsWith(label, StringComparison.Ordinal))
            {
                return label.Length;
            }

            // One character misread in place, for labels of two characters or more.
            if (Text.Length >= label.Length && Enumerable.Range(0, label.Length).Count(i => Text[i] == label[i]) >= label.Length - 1 && label.Length > 2)
            {
                return label.Length;
            }

            if (label.Length == 2 && Text.Length >= 2 && (Text[0] == label[0] || Text[1] == label[1]) && IsCjk(Text[1]) && !IsValueStart(Text[0]))
            {
                return 2;
            }

            // Only the start or the end of the label read: at least half of it, and at least one character.
            var shortest = Math.Max(1, label.Length / 2);
            for (var length = label.Length - 1; length >= shortest; length--)
            {
                if (Text.StartsWith(label.AsSpan(label.Length - length), StringComparison.Ordinal) || Text.StartsWith(label.AsSpan(0, length), StringComparison.Ordinal))
                {
                    return length;
                }
            }

            return 0;
        }

        /// <summary>
        /// The value after the label (or from the line's start when the label is not there). With the
        /// <paramref name="column"/> values start at, what lies left of it is label, however it was read.
        /// </summary>
        public ReadField? Value(string label, Func<char, bool> keep, int? column = null)
        {
            var start = LabelLength(label);
            while (column is { } left && start < Text.Length && IsLeftOfValue(start, left))
            {
                start++;
            }

            return Run(start, keep);
        }

        // A word ending well before the column is a label's, perhaps misread. OCR also reads the empty stretch
        // between a label and its value as a quote mark, often with an invented character stuck to it ("”和"): such
        // a word that starts clearly left of the column goes too, when the next word starts at the column (the
        // quote mark is as often glued to the value's real first characters, "”测试", and then nothing starts
        // there). Whole words, because a word's box is only shared out evenly among its characters, which is too
        // rough to cut a word at the column.
        private bool IsLeftOfValue(int index, int column)
        {
            var word = _words[index];
            if (word.Right < column - (CharacterHeight / 4))
            {
                return true;
            }

            if (!_marked[index] || word.Left >= column - (CharacterHeight / 2))
            {
                return false;
            }

            var next = index;
            while (next < Text.Length && _words[next] == word)
            {
                next++;
            }

            return next < Text.Length && _words[next].Left <= column + (CharacterHeight / 2);
        }

        /// <summary>
        /// The kept characters from <paramref name="start"/>, skipping leading ones that <paramref name="keep"/>
        /// refuses, up to the first wide gap or refused character after the value began.
        /// </summary>
        public ReadField? Run(int start, Func<char, bool> keep)
        {
            var first = start;
            while (first < Text.Length && !keep(Text[first]))
            {
                first++;
            }

            if (first >= Text.Length)
            {
                return null;
            }

            var end = first + 1;
            while (end < Text.Length && keep(Text[end]) && _boxes[end].Left - _boxes[end - 1].Right <= ValueGap * CharacterHeight)
            {
                end++;
            }

            return new ReadField(Text[first..end], Box(first, end - first), CharacterHeight);
        }

        public CardBox Box(int start, int length)
        {
            var box = _boxes[start];
            for (var i = start + 1; i < start + length; i++)
            {
                box = Union(box, _boxes[i]);
            }

            return box;
        }

        // Only what a card's fields are made of (after full-width forms become ASCII); punctuation OCR invents
        // between a label and its value (" “ 。) goes.
        private static bool IsKept(char character) =>
            IsCjk(character) || char.IsAsciiLetterOrDigit(character) || character is '.' or '-';

        // A two-character label with one character misread must not swallow a value that happens to follow.
        private static bool IsValueStart(char character) => character is '男' or '女' || char.IsAsciiDigit(character);
    }
}
