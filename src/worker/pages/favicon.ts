/** `/favicon.svg`: a folder tab in the header's navy, readable at 16 px. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#14213d"/>
<path d="M6 10h8l2 2h10v12a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2z" fill="#ffbf47"/>
<path d="M10 17h12M10 21h8" stroke="#14213d" stroke-width="2" stroke-linecap="round"/>
</svg>
`;
