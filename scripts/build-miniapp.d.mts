/** The Mini App's sources (miniapp/). */
export declare const miniappSource: string;
/** Builds the Mini App into outDir; false when Vite is not installed. */
export declare function buildMiniApp(outDir: string): Promise<boolean>;
