using System;
using System.Collections.Generic;
using System.Globalization;

namespace Warehouse.SqlClr
{
    /// <summary>
    /// Algorithm options written as <c>name=value</c> pairs separated by semicolons (the <c>Options</c> column of
    /// Segmentation.Configuration), e.g. <c>k=5;maxIterations=300;init=kmeans++</c>. Names are case-insensitive; an
    /// unknown name or a value that does not parse is an error naming it, so a typo never silently uses a default.
    /// </summary>
    public sealed class ClrOptions
    {
        private readonly Dictionary<string, string> _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Parses the option text; null or empty gives no options.</summary>
        /// <param name="text">The option text.</param>
        /// <exception cref="ArgumentException">A pair without '=' or a name given twice.</exception>
        public ClrOptions(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }

            foreach (var part in text.Split(';'))
            {
                var pair = part.Trim();
                if (pair.Length == 0)
                {
                    continue;
                }

                var equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    throw new ArgumentException("option '" + pair + "' must be written name=value", nameof(text));
                }

                var name = pair.Substring(0, equals).Trim();
                if (_values.ContainsKey(name))
                {
                    throw new ArgumentException("option '" + name + "' is given twice", nameof(text));
                }

                _values[name] = pair.Substring(equals + 1).Trim();
            }
        }

        /// <summary>An integer option, or <paramref name="fallback"/> when absent.</summary>
        /// <param name="name">Option name.</param>
        /// <param name="fallback">Default value.</param>
        /// <exception cref="ArgumentException">The value is not an integer.</exception>
        public int Int(string name, int fallback)
        {
            string text;
            if (!TryTake(name, out text))
            {
                return fallback;
            }

            int value;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
            {
                throw new ArgumentException("option " + name + "=" + text + " is not an integer", name);
            }

            return value;
        }

        /// <summary>A number option (invariant culture, dot as decimal separator), or <paramref name="fallback"/> when absent.</summary>
        /// <param name="name">Option name.</param>
        /// <param name="fallback">Default value.</param>
        /// <exception cref="ArgumentException">The value is not a number.</exception>
        public double Double(string name, double fallback)
        {
            string text;
            if (!TryTake(name, out text))
            {
                return fallback;
            }

            double value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new ArgumentException("option " + name + "=" + text + " is not a number", name);
            }

            return value;
        }

        /// <summary>A text option, or <paramref name="fallback"/> when absent.</summary>
        /// <param name="name">Option name.</param>
        /// <param name="fallback">Default value.</param>
        public string Text(string name, string fallback)
        {
            string text;
            return TryTake(name, out text) ? text : fallback;
        }

        /// <summary>Fails when an option was given that the algorithm did not read.</summary>
        /// <param name="algorithm">Algorithm name, for the message.</param>
        /// <exception cref="ArgumentException">An unknown option.</exception>
        public void EnsureAllUsed(string algorithm)
        {
            foreach (var name in _values.Keys)
            {
                if (!_used.Contains(name))
                {
                    throw new ArgumentException("option '" + name + "' is not known to algorithm " + algorithm, "options");
                }
            }
        }

        private bool TryTake(string name, out string text)
        {
            _used.Add(name);
            return _values.TryGetValue(name, out text!);
        }
    }
}
