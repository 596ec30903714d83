import type { Linter } from 'eslint';

export declare const folderZones: { target: string | string[]; from: string | string[]; message: string; except?: string[] }[];
export declare const architecture: Linter.Config[];
