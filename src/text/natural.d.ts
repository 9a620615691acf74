/**
 * Types for the few deep modules of `natural` we use. The package's main entry pulls in dotenv
 * and database drivers, so we never import it; these deep paths have no typings of their own.
 */
declare module 'natural/lib/natural/stemmers/porter_stemmer_ru' {
  const PorterStemmerRu: {
    stem(token: string): string;
    tokenizeAndStem(text: string, keepStops?: boolean): string[];
  };
  export default PorterStemmerRu;
}

declare module 'natural/lib/natural/tokenizers/aggressive_tokenizer_ru' {
  class AggressiveTokenizerRu {
    tokenize(text: string): string[];
  }
  export default AggressiveTokenizerRu;
}

declare module 'natural/lib/natural/classifiers/bayes_classifier' {
  interface Stemmer {
    stem(token: string): string;
    tokenizeAndStem(text: string, keepStops?: boolean): string[];
  }
  class BayesClassifier {
    constructor(stemmer?: Stemmer, smoothing?: number);
    addDocument(text: string | string[], classification: string): void;
    train(): void;
    classify(observation: string | string[]): string;
    getClassifications(observation: string | string[]): Array<{ label: string; value: number }>;
  }
  export default BayesClassifier;
}
