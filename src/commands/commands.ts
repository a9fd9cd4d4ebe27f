/**
 * The ribbon's function file (FunctionFile in manifest.xml). The only ribbon button opens the task
 * pane (ShowTaskpane), which needs no code; the page still has to load office.js and be ready.
 */
import { commandsReady } from '../office/office-loader';

void commandsReady();
