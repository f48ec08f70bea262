/** The one list Silta uses from `stopword` (it ships no types). */
declare module 'stopword' {
  export const fin: string[];
}
